/**
 * What a secret can be split by and still be read by whoever gets the text: whitespace and line breaks
 * (`fold`, `base64` wrapping at 76 columns, a key pasted over lines), invisible format characters
 * (zero-width spaces, soft hyphens, bidi marks, tag characters) and the escaped line ends of JSON or a
 * shell string (`\n`, `\r`, `\t`, however many backslashes deep).
 */
const IGNORABLE = /^[\s\p{Cf}]$/u;

/** For each UTF-16 code unit outside the surrogates, whether it is ignorable: built once, read per character. */
const IGNORABLE_UNIT = (() => {
  const table = new Uint8Array(0x10000);
  for (let unit = 0; unit < 0x10000; unit++) {
    if (unit < 0xd800 || unit > 0xdfff) table[unit] = IGNORABLE.test(String.fromCharCode(unit)) ? 1 : 0;
  }
  return table;
})();

const BACKSLASH = 0x5c;
const ESCAPED_SPACE = new Set([0x6e, 0x72, 0x74]); // n, r, t
const utf16 = new TextDecoder('utf-16le');

/** A text with every ignorable run removed, and for each kept character its index in the original. */
export interface SqueezedText {
  readonly text: string;
  /** `origin[i]` is where `text[i]` sits in the original. */
  readonly origin: Int32Array;
}

/**
 * Removes what could be wedged between a secret's characters, keeping a map back to the original, so a
 * match in the squeezed text masks the original span it came from. One pass over code units, no regular
 * expression per character or per run: a megabyte of single characters between spaces costs the same as
 * a megabyte of prose.
 */
export function squeezeText(text: string): SqueezedText {
  const n = text.length;
  const kept = new Uint16Array(n);
  const origin = new Int32Array(n);
  let length = 0;
  for (let i = 0; i < n; i++) {
    const unit = text.charCodeAt(i);
    if (unit === BACKSLASH) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) === BACKSLASH) j++;
      if (ESCAPED_SPACE.has(text.charCodeAt(j))) {
        i = j;
        continue;
      }
      // Backslashes that escape something else are kept, all at once: rescanning the run from each of
      // them would make a megabyte of backslashes quadratic.
      for (; i < j - 1; i++) {
        kept[length] = BACKSLASH;
        origin[length++] = i;
      }
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < n) {
      // Astral format characters (tag characters U+E0000–E007F above all) are read as one code point.
      const point = text.codePointAt(i) ?? unit;
      if (point > 0xffff && IGNORABLE.test(String.fromCodePoint(point))) {
        i++;
        continue;
      }
    } else if (IGNORABLE_UNIT[unit] === 1) continue;
    kept[length] = unit;
    origin[length++] = i;
  }
  return {
    text: utf16.decode(kept.subarray(0, length)),
    origin: origin.subarray(0, length),
  };
}

/** The secret itself squeezed the same way, so a key given with line breaks matches however it is split. */
export function squeezeSecret(secret: string): string {
  return squeezeText(secret).text;
}
