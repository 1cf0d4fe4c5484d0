package validate

import (
	"strings"
	"unicode/utf8"
)

// maxDecodePasses bounds how many layers of encoding are peeled off. Each pass
// is linear and never makes the text longer, so normalisation is linear too.
const maxDecodePasses = 4

// input is one text prepared for the detectors. All forms are computed once
// and shared by every detector.
type input struct {
	raw string
	// dec is raw with URL, HTML-entity and backslash escapes decoded,
	// lookalike characters folded and NUL and zero-width characters dropped.
	dec string
	// low is dec with ASCII letters in lower case.
	low string
	// sql is low with SQL comments removed and runs of white space
	// collapsed to one space.
	sql string
	// layers counts the decoding passes that changed the text.
	layers int
	// nul is set when the text held a NUL byte (raw or encoded).
	nul bool
	// ctl is the first maxControlScan bytes of raw decoded as dec is, but
	// with every C0 control character (NUL included, raw or encoded) kept
	// as a NUL, in lower case; "" when the text held none. It is the
	// reading of a database that takes them for white space, as Oracle
	// does with NUL and SQL Server with every C0 control.
	ctl string
}

// prepare normalises text into an input.
func prepare(text string) *input {
	in := &input{raw: text}
	s := text
	var saw uint8
	for in.layers < maxDecodePasses {
		d, got := decodeWith(s, false)
		saw |= got
		if d == s {
			break
		}
		s = d
		in.layers++
	}
	in.nul = saw&sawNUL != 0
	in.dec = s
	in.low = asciiLower(s)
	in.sql = sqlForm(in.low)
	if saw&sawControl != 0 {
		in.ctl = asciiLower(markControls(clip(text, maxControlScan)))
	}
	return in
}

// maxControlScan bounds the text [markControls] reads: only the SQL
// detector uses that reading, and it stops after [maxSQLScan] bytes of the
// decoded text, which is shorter than the raw text.
// TODO: a text that decoding shrinks more than fourfold gets a control
// reading shorter than maxSQLScan; measuring the decoded length first would
// cost a pass on every text with a control character.
const maxControlScan = 4 * maxSQLScan

// markControls decodes text as [prepare] does, in at most as many passes,
// but keeps every C0 control character as a NUL instead of dropping it.
func markControls(text string) string {
	s := text
	for range maxDecodePasses {
		d, _ := decodeWith(s, true)
		if d == s {
			break
		}
		s = d
	}
	return s
}

// Normalize returns text as the detectors see it after decoding and folding
// (before case folding and SQL comment removal). It is exported for tests,
// tools and operators who want to see why a text matched.
func Normalize(text string) string {
	return prepare(text).dec
}

// decodePass decodes one layer of %XX, %uXXXX, HTML entities, \uXXXX and \xXX
// escapes, folds lookalike characters and overlong UTF-8, and drops NUL and
// zero-width characters. The result is never longer than s, and s itself
// comes back (without copying) when nothing changes. nul reports whether a
// NUL was dropped.
func decodePass(s string) (out string, nul bool) {
	out, saw := decodeWith(s, false)
	return out, saw&sawNUL != 0
}

// Bits of what [decodeWith] saw.
const (
	sawNUL     uint8 = 1 << iota // a NUL, raw or encoded
	sawControl                   // a C0 control character or DEL, NUL included
)

// decodeWith is [decodePass] that reports in saw which control characters
// it met. With mark set it writes every C0 control character (see
// [controlRune]) as a NUL instead of dropping it, so a raw NUL stays; that
// reading is rare and mostly far shorter than s, so its buffer grows with
// what it holds instead of starting at the size of s.
func decodeWith(s string, mark bool) (out string, saw uint8) {
	// Escape introducers, NUL and non-ASCII bytes are what can change.
	i := plainEnd(s, 0)
	if i == len(s) {
		return s, 0
	}
	var b strings.Builder // the output, once the first change is known
	changed := false
	for i < len(s) {
		if plainBytes[s[i]] != 0 {
			// Fast path: ordinary ASCII stands for itself.
			j := plainEnd(s, i)
			if changed {
				b.WriteString(s[i:j])
			}
			i = j
			continue
		}
		r, n := decodeAt(s, i)
		keep, write := false, false // copy s[i:i+n], or write r in its place
		switch {
		case r == utf8.RuneError && n == 1:
			keep = true
		case controlRune(r):
			saw |= sawControl
			if r == 0 {
				saw |= sawNUL
			}
			if mark {
				keep = r == 0 && n == 1
				r, write = 0, !keep
			}
		case dropRune(r):
		default:
			f := foldRune(r)
			keep = f == r && (n == 1 || n == utf8.RuneLen(r) && s[i] >= utf8.RuneSelf)
			r, write = f, !keep
		}
		if !keep && !changed {
			changed = true
			if !mark {
				b.Grow(len(s))
			}
			b.WriteString(s[:i])
		}
		switch {
		case keep && changed:
			b.WriteString(s[i : i+n])
		case write && r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case write:
			b.WriteRune(r)
		}
		i += n
	}
	if !changed {
		return s, saw
	}
	return b.String(), saw
}

// plainByte reports whether c is printable ASCII (or ordinary white space)
// that starts no escape.
func plainByte(c byte) bool {
	return c >= 0x20 && c < 0x7f && c != '%' && c != '&' && c != '\\' ||
		c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// plainBytes holds 1 for the [plainByte] bytes and 0 for the others.
var plainBytes = byteFlags(plainByte)

// byteFlags returns a table holding 1 for the bytes f accepts and 0 for
// the others, for [runEnd].
func byteFlags(f func(byte) bool) (t [256]uint8) {
	for i := range t {
		if f(byte(i)) {
			t[i] = 1
		}
	}
	return t
}

// plainEnd returns the end of the run of plain bytes in s that starts at i.
func plainEnd(s string, i int) int { return runEnd(s, i, &plainBytes) }

// runEnd returns the end of the run of bytes flagged in t that starts at
// s[i]. It tests eight bytes with one branch by and-ing their flags.
func runEnd(s string, i int, t *[256]uint8) int {
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		if t[w[0]]&t[w[1]]&t[w[2]]&t[w[3]]&t[w[4]]&t[w[5]]&t[w[6]]&t[w[7]] == 0 {
			break
		}
	}
	for i < len(s) && t[s[i]] != 0 {
		i++
	}
	return i
}

// decodeAt decodes the character or escape at s[i] and returns it with the
// number of bytes consumed. Undecodable bytes come back as RuneError with
// n == 1, and the caller copies them through unchanged.
func decodeAt(s string, i int) (rune, int) {
	switch c := s[i]; c {
	case '%':
		if i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') {
			if v, ok := hexVal(s[i+2 : i+6]); ok {
				return rune(v), 6
			}
		}
		if i+2 < len(s) {
			if v, ok := hexVal(s[i+1 : i+3]); ok {
				return byteRune(s, i, byte(v), 3)
			}
		}
	case '\\':
		if i+5 < len(s) && s[i+1] == 'u' {
			if v, ok := hexVal(s[i+2 : i+6]); ok {
				return rune(v), 6
			}
		}
		if i+3 < len(s) && s[i+1] == 'x' {
			if v, ok := hexVal(s[i+2 : i+4]); ok {
				return byteRune(s, i, byte(v), 4)
			}
		}
	case '&':
		if r, n := entityAt(s[i:]); n > 0 {
			return r, n
		}
	}
	if s[i] < utf8.RuneSelf {
		return rune(s[i]), 1
	}
	if r, n := overlongAt(s[i:]); n > 0 {
		return r, n
	}
	return utf8.DecodeRuneInString(s[i:])
}

// byteRune turns one decoded byte into a rune. ASCII bytes are runes of their
// own; other bytes are returned as RuneError of width 1 so the caller copies
// the original escape's first byte: a lone %C0 stays "%C0" until the
// following pass, when the raw bytes can be read as (overlong) UTF-8.
func byteRune(s string, i int, v byte, n int) (rune, int) {
	if v < utf8.RuneSelf {
		return rune(v), n
	}
	// Gather a run of %XX escapes and decode them as UTF-8.
	var buf [6]byte
	k, j := 0, i
	for k < len(buf) && j+2 < len(s) && (s[j] == '%' || s[j] == '\\') {
		step := 3
		if s[j] == '\\' {
			if j+3 >= len(s) || s[j+1] != 'x' {
				break
			}
			step = 4
		}
		h, ok := hexVal(s[j+step-2 : j+step])
		if !ok || (k > 0 && h < 0x80 && buf[0] != 0xc0 && buf[0] != 0xc1) {
			break
		}
		buf[k] = byte(h)
		k++
		j += step
	}
	if r, m := overlongAt(string(buf[:k])); m > 0 {
		return r, consumed(s, i, m)
	}
	if r, m := utf8.DecodeRune(buf[:min(k, 4)]); r != utf8.RuneError {
		return r, consumed(s, i, m)
	}
	// A lone high byte: Latin-1 reading, as many servers do.
	return rune(v), n
}

// consumed returns how many bytes of s from i hold m byte escapes.
func consumed(s string, i, m int) int {
	j := i
	for ; m > 0; m-- {
		if s[j] == '\\' {
			j += 4
		} else {
			j += 3
		}
	}
	return j - i
}

// overlongAt decodes an overlong UTF-8 sequence (two to six bytes) for an
// ASCII character, such as C0 AF for '/', which lenient decoders accept. A C0
// or C1 lead followed by any byte is read the way those decoders do
// (C0 2E is '.').
func overlongAt(s string) (rune, int) {
	if len(s) >= 2 && (s[0] == 0xc0 || s[0] == 0xc1) {
		if s[1] < 0x80 {
			return rune(s[0]&1)<<6 | rune(s[1]), 2
		}
		return rune(s[0]&1)<<6 | rune(s[1]&0x3f), 2
	}
	if len(s) == 0 {
		return 0, 0
	}
	n := overlongLen[s[0]]
	if n == 0 || len(s) < n {
		return 0, 0
	}
	v := rune(0)
	for i := 1; i < n; i++ {
		if s[i]&0xc0 != 0x80 {
			return 0, 0
		}
		v = v<<6 | rune(s[i]&0x3f)
	}
	if v >= 0x80 {
		return 0, 0
	}
	return v, n
}

// overlongLen maps the lead bytes of overlong encodings of three to six
// bytes to their length.
var overlongLen = [256]int{0xe0: 3, 0xf0: 4, 0xf8: 5, 0xfc: 6}

func hexVal(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | int(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// entities maps the named HTML character references that matter for
// injection to their characters.
var entities = map[string]rune{
	"lt": '<', "gt": '>', "quot": '"', "apos": '\'', "amp": '&', "sol": '/',
	"bsol": '\\', "lpar": '(', "rpar": ')', "colon": ':', "semi": ';',
	"tab": '\t', "newline": '\n', "period": '.', "comma": ',', "excl": '!',
	"num": '#', "lsqb": '[', "rsqb": ']', "lcub": '{', "rcub": '}',
	"lbrack": '[', "rbrack": ']', "lbrace": '{', "rbrace": '}',
	"equals": '=', "plus": '+', "ast": '*', "grave": '`', "nbsp": ' ',
	"dollar": '$', "percnt": '%', "verbar": '|', "vert": '|', "quest": '?',
	"commat": '@', "hat": '^', "lowbar": '_', "hyphen": '-', "dash": '-',
}

// entityAt decodes an HTML character reference at the start of s: &#NN;,
// &#xHH; (semicolon optional, as browsers accept) or a named one from
// [entities] (semicolon required).
func entityAt(s string) (rune, int) {
	if len(s) < 3 {
		return 0, 0
	}
	if s[1] == '#' {
		j, base := 2, 10
		if s[2] == 'x' || s[2] == 'X' {
			j, base = 3, 16
		}
		start := j
		v := 0
		for j < len(s) && j-start < 8 {
			d, ok := digitVal(s[j], base)
			if !ok {
				break
			}
			v = v*base + d
			j++
		}
		if j == start || v > utf8.MaxRune {
			return 0, 0
		}
		if j < len(s) && s[j] == ';' {
			j++
		}
		return rune(v), j
	}
	end := strings.IndexByte(s[1:min(len(s), 10)], ';')
	if end < 0 {
		return 0, 0
	}
	var name [8]byte
	n := copy(name[:], s[1:1+end])
	for i := range n {
		name[i] |= 0x20 * byte(btoi('A' <= name[i] && name[i] <= 'Z'))
	}
	if r, ok := entities[string(name[:n])]; ok {
		return r, end + 2
	}
	return 0, 0
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func digitVal(c byte, base int) (int, bool) {
	v, ok := hexVal(string(rune(c)))
	if !ok || v >= base {
		return 0, false
	}
	return v, true
}

// dropRune reports whether r is removed outright: control characters,
// zero-width characters and soft hyphens, which change nothing for a parser
// but split keywords for a naive matcher.
func dropRune(r rune) bool {
	if controlRune(r) {
		return true
	}
	switch r {
	case 0x00ad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff:
		return true
	}
	return false
}

// controlRune reports whether r is a C0 control character other than white
// space, or DEL.
func controlRune(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\v' && r != '\f' || r == 0x7f
}

// foldRune maps full-width forms and characters that lenient decoders or
// Unicode normalisation turn into ASCII syntax onto that ASCII.
func foldRune(r rune) rune {
	if 0xff01 <= r && r <= 0xff5e {
		return r - 0xfee0
	}
	switch r {
	case 0x2215, 0x2044, 0xff0f, 0x29f8:
		return '/'
	case 0x2216, 0xfe68, 0x29f9:
		return '\\'
	case 0x2024, 0xfe52, 0x2027:
		return '.'
	case 0x02bc, 0x02b9, 0x2032, 0x2018, 0x2019, 0x00b4:
		return '\''
	case 0x02ba, 0x2033:
		return '"'
	case 0x2039, 0xfe64, 0x3008, 0x2329, 0x00ab:
		return '<'
	case 0x203a, 0xfe65, 0x3009, 0x232a, 0x00bb:
		return '>'
	case 0x00a0, 0x2000, 0x2001, 0x2002, 0x2003, 0x2009, 0x200a, 0x3000:
		return ' '
	}
	return r
}

// asciiLower returns s with ASCII letters in lower case; other bytes are
// kept, so offsets match s. s itself comes back when it has no capitals.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !isUpper(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	// Lower through a buffer on the stack, eight bytes at a time: that
	// and one copy per chunk are cheaper than a Builder call per byte.
	var buf [256]byte
	for i < len(s) {
		n := 0
		for ; n+8 <= len(buf) && i+8 <= len(s); n += 8 {
			putWord(buf[n:], lowerWord(eightAt(s, i)))
			i += 8
		}
		for ; n < len(buf) && i < len(s); n++ {
			buf[n] = lowerByte[s[i]]
			i++
		}
		b.Write(buf[:n])
	}
	return b.String()
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// lowerByte maps every byte to itself, except ASCII capitals, which map to
// their lower case.
var lowerByte = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if isUpper(byte(i)) {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// sqlForm removes SQL comments (keeping the body of MySQL /*! ... */
// version comments) and collapses white space runs to one space.
func sqlForm(s string) string {
	start := sqlFormStart(s)
	if start == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:start])
	s = s[start:]
	space, unclosed := false, false
	emit := func(c byte) {
		if isSpace(c) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			return
		}
		space = false
		b.WriteByte(c)
	}
	for i := 0; i < len(s); i++ {
		if c := sqlClass[s[i]]; c == sqlPlain || c == sqlSpace && !space {
			// Copy up to the next byte that changes at once: emitting
			// the run byte by byte would write the same bytes.
			if j := sqlFormNext(s, i); j > i {
				b.WriteString(s[i:j])
				space = s[j-1] == ' '
				i = j - 1
				continue
			}
		}
		if s[i] == '/' && i+1 < len(s) && s[i+1] == '*' {
			if i+2 < len(s) && s[i+2] == '!' {
				// MySQL executes the body: drop the marker and the
				// version number and keep the rest.
				i += 3
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					i++
				}
				i--
				emit(' ')
				continue
			}
			end := -1
			if !unclosed {
				end = strings.Index(s[i+2:], "*/")
			}
			if end < 0 {
				// No comment closes after here: later openers are
				// not searched again, which keeps this linear.
				unclosed = true
				i++
				emit(' ')
				continue
			}
			i += end + 3
			emit(' ')
			continue
		}
		if s[i] == '*' && i+1 < len(s) && s[i+1] == '/' {
			i++
			emit(' ')
			continue
		}
		emit(s[i])
	}
	return b.String()
}

// sqlFormStart returns the index of the first byte sqlForm might change,
// or len(s), like sqlFormNext(s, 0). It looks for each kind of change with
// the vectorised byte search instead of visiting every byte.
func sqlFormStart(s string) int {
	// Each search stops at the best start so far; the double space, whose
	// first byte is the most common, comes last.
	start := delimPair(s, len(s), '/')
	start = delimPair(s, start, '*')
	for _, c := range []byte("\t\n\v\f\r") {
		i := strings.IndexByte(s[:start], c)
		if i > 0 && s[i-1] == ' ' {
			i-- // a space before other white space changes too
		}
		if i >= 0 {
			start = i
		}
	}
	if i := strings.Index(s[:min(len(s), start+1)], "  "); i >= 0 {
		start = i
	}
	return start
}

// delimPair returns the index of the first c before start that a '/' or '*'
// follows, or start.
func delimPair(s string, start int, c byte) int {
	for i := 0; i < start; i++ {
		k := strings.IndexByte(s[i:start], c)
		if k < 0 {
			break
		}
		i += k
		if i+1 < len(s) && (s[i+1] == '/' || s[i+1] == '*') {
			return i
		}
	}
	return start
}

// sqlFormNext returns the index of the first byte at or after i that
// sqlForm might change (a comment delimiter, white space other than a single
// space), or len(s).
func sqlFormNext(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	// Whether a byte changes depends on its class and the next byte's;
	// looking both up in tables spares a branch on every space of prose.
	this := sqlClass[s[i]]
	for ; i+1 < len(s); i++ {
		next := sqlClass[s[i+1]]
		if sqlChanges[this][next] {
			return i
		}
		this = next
	}
	if this == sqlOtherSpace {
		return i
	}
	return len(s)
}

// The classes of bytes sqlFormNext tells apart.
const (
	sqlPlain      = iota // every byte not named below
	sqlSpace             // ' '
	sqlOtherSpace        // \t, \n, \v, \f, \r
	sqlDelim             // '/' or '*', which start and end comments
)

// sqlClass maps a byte to its class.
var sqlClass = func() (t [256]uint8) {
	for i := range t {
		switch c := byte(i); {
		case c == ' ':
			t[i] = sqlSpace
		case isSpace(c):
			t[i] = sqlOtherSpace
		case c == '/' || c == '*':
			t[i] = sqlDelim
		}
	}
	return t
}()

// sqlChanges tells by the classes of a byte and the next whether sqlForm
// might change the byte: a space before white space, other white space,
// and a delimiter pair (/*, */, and the harmless // and **).
var sqlChanges = [4][4]bool{
	sqlSpace:      {sqlSpace: true, sqlOtherSpace: true},
	sqlOtherSpace: {true, true, true, true},
	sqlDelim:      {sqlDelim: true},
}

// isSpace reports whether c is ASCII white space: space, \t, \n, \v, \f
// or \r.
func isSpace(c byte) bool {
	return c == ' ' || '\t' <= c && c <= '\r'
}
