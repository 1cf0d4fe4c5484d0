package intent

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize folds text into the form the rules and the model read: lower
// case, accents removed, full-width and mathematical letters, Unicode
// confusables and tag characters mapped to ASCII, zero-width and bidi
// controls dropped, runs of whitespace collapsed to one space or one newline,
// leetspeak undone inside words that mix letters and digits, and spaced-out
// letters ("i g n o r e") joined.
//
// Normalize is idempotent: Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	out := fold(s)
	for range 3 { // joining and unleeting can expose new runs; stop at a fixed point
		next := collapse(joinSpaced(fixWords(out)))
		if next == out {
			break
		}
		out = next
	}
	return out
}

// fold maps every rune with foldRune and decomposed and turns each run of
// whitespace into a newline when it holds one, else into one space, or two
// when the run is wider than one space (a word break inside letter-spaced
// text).
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	ws, nl := 0, false
	for _, r := range s {
		r = foldRune(r)
		switch {
		case r < 0:
			continue
		case unicode.IsSpace(r):
			ws++
			if r != ' ' {
				ws++
			}
			nl = nl || r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029
			continue
		}
		switch {
		case b.Len() == 0:
		case nl:
			b.WriteByte('\n')
		case ws == 1:
			b.WriteByte(' ')
		case ws > 1:
			b.WriteString("  ")
		}
		ws, nl = 0, false
		if r < utf8.RuneSelf {
			b.WriteByte(byte(r))
			continue
		}
		if d, ok := decomposed[r]; ok {
			b.WriteString(d)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// collapse turns double spaces into single ones.
func collapse(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// foldRune maps one rune to its folded form, or to -1 when it is dropped.
func foldRune(r rune) rune {
	switch {
	case r < 0x80:
		if r >= 'A' && r <= 'Z' {
			return r + 32
		}
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' {
			return -1
		}
		return r
	case r >= 0xE0020 && r <= 0xE007E: // tag characters smuggle ASCII
		return foldRune(r - 0xE0000)
	case isInvisible(r):
		return -1
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		return foldRune(r - 0xFEE0)
	case r == 0x3000: // ideographic space
		return ' '
	case r >= 0x1D400 && r <= 0x1D6A3: // mathematical alphanumeric letters
		return 'a' + (r-0x1D400)%52%26
	case r >= 0x1D7CE && r <= 0x1D7FF: // mathematical digits
		return '0' + (r-0x1D7CE)%10
	case r >= 0x24B6 && r <= 0x24CF: // circled capitals
		return 'a' + r - 0x24B6
	case r >= 0x24D0 && r <= 0x24E9: // circled small letters
		return 'a' + r - 0x24D0
	}
	if c, ok := confusables[r]; ok {
		return c
	}
	r = unicode.ToLower(r)
	if c, ok := confusables[r]; ok {
		return c
	}
	return r
}

// isInvisible reports zero-width, bidi and other format characters that
// render as nothing and are used to split words apart.
func isInvisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x180E, r == 0xFEFF:
		return true
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E:
		return true
	case r >= 0x2060 && r <= 0x206F, r >= 0xFE00 && r <= 0xFE0F:
		return true
	case r >= 0xE0000 && r <= 0xE0FFF:
		return true
	}
	return unicode.Is(unicode.Mn, r) // combining marks: accents written apart
}

// confusables maps letters that look like Latin ones (Cyrillic, Greek,
// small capitals, a few symbols) to those Latin letters. Applying it to
// genuine Cyrillic or Greek text garbles that text for the rules, which only
// look for Latin-script phrases in those words anyway.
var confusables = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o',
	'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'ѕ': 's', 'і': 'i',
	'ј': 'j', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ё': 'e', 'ӏ': 'l', 'ɡ': 'g',
	'А': 'a', 'В': 'b', 'Е': 'e', 'К': 'k', 'М': 'm', 'Н': 'h', 'О': 'o',
	'Р': 'p', 'С': 'c', 'Т': 't', 'У': 'y', 'Х': 'x', 'Ѕ': 's', 'І': 'i',
	'Ј': 'j',
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v',
	'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w',
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm',
	'Ν': 'n', 'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x', 'Ζ': 'z',
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g',
	'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n',
	'ᴏ': 'o', 'ᴘ': 'p', 'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v',
	'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z', 'ı': 'i', 'ℓ': 'l',
	'‘': '\'', '’': '\'', '‚': '\'', '‛': '\'', '“': '"', '”': '"', '„': '"',
	'«': '"', '»': '"', '‹': '\'', '›': '\'', '–': '-', '—': '-', '‐': '-',
	'‑': '-', '−': '-', '＂': '"', '\u00A0': ' ',
}

// decomposed spells accented Latin letters without their accents.
var decomposed = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i",
	'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o",
	'ö': "o", 'ø': "o", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y",
	'ÿ': "y", 'ß': "ss", 'œ': "oe", 'ā': "a", 'ă': "a", 'ą': "a", 'ć': "c",
	'č': "c", 'ď': "d", 'ē': "e", 'ė': "e", 'ę': "e", 'ě': "e", 'ğ': "g",
	'ī': "i", 'į': "i", 'ł': "l", 'ń': "n", 'ň': "n", 'ō': "o", 'ő': "o",
	'ř': "r", 'ś': "s", 'ş': "s", 'š': "s", 'ţ': "t", 'ť': "t", 'ū': "u",
	'ů': "u", 'ű': "u", 'ų': "u", 'ź': "z", 'ż': "z", 'ž': "z", 'ð': "d",
	'þ': "th", '¿': "", '¡': "",
}

// leet maps digits and symbols used as letters inside words; other bytes
// map to 0. An array rather than a map: it is read for every byte of a text.
var leet = [256]byte{
	'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b',
	'@': 'a', '$': 's', '!': 'i', '|': 'l', '9': 'g',
}

// fixWords undoes leetspeak inside each space-separated word that mixes
// letters with digits or symbols ("1gn0r3"), and leaves numbers, prices and
// identifiers with few substitutions alone.
func fixWords(s string) string {
	if !leetNextToLetter(s) {
		return s
	}
	var b strings.Builder
	changed := false
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ' ' && s[i] != '\n' {
			continue
		}
		w := s[start:i]
		if f, ok := unleet(w); ok {
			if !changed {
				b.Grow(len(s))
				b.WriteString(s[:start])
				changed = true
			}
			b.WriteString(f)
		} else if changed {
			b.WriteString(w)
		}
		if changed && i < len(s) {
			b.WriteByte(s[i])
		}
		start = i + 1
	}
	if !changed {
		return s
	}
	return b.String()
}

// leetNextToLetter reports whether a leet character touches a letter
// anywhere in s, the precondition for fixWords to change anything.
func leetNextToLetter(s string) bool {
	for i := 1; i < len(s); i++ {
		a, b := s[i-1], s[i]
		if leet[a] != 0 && isLetter(b) || isLetter(a) && leet[b] != 0 {
			return true
		}
	}
	return false
}

// unleet rewrites one word when it is ASCII, holds at least two letters and a
// leet character next to a letter and between letters, and is not a number
// ("gpt-3.5" stays).
func unleet(w string) (string, bool) {
	letters, subs := 0, 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case c >= 'a' && c <= 'z':
			letters++
		case leet[c] != 0:
			subs++
		}
	}
	if letters < 2 || subs == 0 || !leetNextToLetter(w) {
		return "", false
	}
	// Trim trailing punctuation such as "!" or "$" that ends a sentence.
	end := len(w)
	for end > 0 && leet[w[end-1]] != 0 && (w[end-1] < '0' || w[end-1] > '9') {
		end--
	}
	inner := 0
	for i := 1; i < end-1; i++ {
		if leet[w[i]] != 0 {
			inner++
		}
	}
	first := w[0]
	if inner == 0 && !(leet[first] != 0 && first >= '0' && first <= '9') {
		return "", false
	}
	out := []byte(w)
	for i := 0; i < end; i++ {
		if c := leet[out[i]]; c != 0 {
			out[i] = c
		}
	}
	return string(out), true
}

// joinSpaced joins runs of three or more single letters separated by single
// spaces or dots ("i g n o r e", "s.y.s.t.e.m") into words.
func joinSpaced(s string) string {
	if !hasSpacedRun(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for i < len(s) {
		j, ok := spacedRun(s, i)
		if !ok {
			b.WriteByte(s[i])
			i++
			continue
		}
		for k := i; k < j; k++ {
			if isLetter(s[k]) {
				b.WriteByte(s[k])
			}
		}
		i = j
	}
	return b.String()
}

// hasSpacedRun is a quick check for joinSpaced.
func hasSpacedRun(s string) bool {
	for i := 0; i+4 < len(s); i++ {
		if isLetter(s[i]) && isSep(s[i+1]) && isLetter(s[i+2]) && isSep(s[i+3]) &&
			isLetter(s[i+4]) && (i == 0 || !isLetter(s[i-1])) {
			return true
		}
	}
	return false
}

// spacedRun returns the end of a spaced-letter run starting at i.
func spacedRun(s string, i int) (int, bool) {
	if i > 0 && isLetter(s[i-1]) {
		return 0, false
	}
	n, j := 0, i
	for j < len(s) && isLetter(s[j]) && (j+1 == len(s) || !isLetter(s[j+1])) {
		n++
		j++
		if j+1 < len(s) && isSep(s[j]) && isLetter(s[j+1]) &&
			(j+2 == len(s) || !isLetter(s[j+2])) {
			j++
			continue
		}
		break
	}
	if n < 3 {
		return 0, false
	}
	return j, true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }
func isSep(c byte) bool    { return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*' }
