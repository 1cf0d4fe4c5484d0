package validate

import "strings"

// shellTriggers are the bytes the checks of detectCmdI look for before
// they do any work: separators, substitutions and redirections, the bytes
// every shell construct, marker and expansion holds, and the quotes shell
// noise is made of. Most prose holds none of the separators, so noting
// which of these occur rules out most of the work.
const shellTriggers = ";|&\n\r`$<>\\/-{(%'\""

// shellTriggerBit maps each byte of shellTriggers to its own bit.
var shellTriggerBit = func() (t [256]triggerSet) {
	for i := 0; i < len(shellTriggers); i++ {
		t[shellTriggers[i]] = 1 << i
	}
	return t
}()

// triggerSet is a set of shellTriggers bytes.
type triggerSet uint32

// triggersOf returns the set of the shellTriggers bytes of chars.
func triggersOf(chars string) triggerSet {
	var t triggerSet
	for i := 0; i < len(chars); i++ {
		t |= shellTriggerBit[chars[i]]
	}
	return t
}

// has reports whether c is in t. A byte that is not one of shellTriggers
// is never ruled out.
func (t triggerSet) has(c byte) bool {
	bit := shellTriggerBit[c]
	return bit == 0 || t&bit != 0
}

// hasAny reports whether any byte of chars is in t.
func (t triggerSet) hasAny(chars string) bool {
	for i := 0; i < len(chars); i++ {
		if t.has(chars[i]) {
			return true
		}
	}
	return false
}

// shellByteTable returns a table that is true for the bytes of chars.
func shellByteTable(chars string) (t [256]bool) {
	for i := 0; i < len(chars); i++ {
		t[chars[i]] = true
	}
	return t
}

// mayHold reports whether a text whose shellTriggers bytes are t could
// hold text: t has all the shellTriggers bytes of text.
func (t triggerSet) mayHold(text string) bool {
	return triggersOf(text)&^t == 0
}

// shellNoise are the bytes at which shellForm may remove something.
var shellNoise = triggersOf("$'\"`\\<>")

// separatorTriggers are the bytes separatorScan looks at.
var separatorTriggers = triggersOf(separatorChars)

// maxSeparators is how many separator positions a shellView lists; a text
// with more is scanned for them.
const maxSeparators = 64

// shellView is the shell form of a text with what the pass that made it
// learnt on the way: which shellTriggers bytes occur and where the
// separator bytes are.
type shellView struct {
	s          string     // the shell form ([shellForm])
	obfuscated bool       // noise was removed or a $IFS replaced
	seen       triggerSet // holds every shellTriggers byte of s
	nseps      int        // how many separator positions seps holds; -1: too many
	seps       [maxSeparators]int32
}

// read makes v the shell view of low. s has no other bytes than low, but
// the space that replaces $IFS.
func (v *shellView) read(low string) {
	var b strings.Builder // empty until the first change
	done := 0             // low[:done] is in b
	shift := 0            // low[i] is s[i-shift]
	for i := 0; i < len(low); i++ {
		bit := shellTriggerBit[low[i]]
		if bit == 0 {
			continue
		}
		v.seen |= bit
		n, space := 0, false
		if bit&shellNoise != 0 {
			n, space = noiseAt(low, i)
		}
		if n == 0 {
			if bit&separatorTriggers != 0 {
				v.markSeparator(i - shift)
			}
			continue
		}
		if !v.obfuscated {
			b.Grow(len(low))
			v.obfuscated = true
		}
		b.WriteString(low[done:i])
		shift += n
		if space {
			b.WriteByte(' ')
			shift--
		}
		i += n - 1
		done = i + 1
	}
	v.s = low
	if v.obfuscated {
		b.WriteString(low[done:])
		v.s = b.String()
	}
}

// markSeparator notes a separator byte at s[i].
func (v *shellView) markSeparator(i int) {
	switch v.nseps {
	case -1:
	case maxSeparators:
		v.nseps = -1
	default:
		v.seps[v.nseps] = int32(i)
		v.nseps++
	}
}

// separators returns a cursor over the separator bytes of v.s.
func (v *shellView) separators() sepCursor {
	if v.nseps < 0 {
		return sepCursor{s: v.s, scan: true}
	}
	return sepCursor{s: v.s, list: v.seps[:v.nseps]}
}

// sepCursor walks the separator bytes of a text in order: through the
// list a shellView made or, when it had too many to list, by a scan.
type sepCursor struct {
	s    string
	list []int32
	scan bool
}

// next returns the index of the first separator byte at or after i, or
// len(s).
func (c *sepCursor) next(i int) int {
	if c.scan {
		for i < len(c.s) && !separatorBytes[c.s[i]] {
			i++
		}
		return i
	}
	for len(c.list) > 0 && int(c.list[0]) < i {
		c.list = c.list[1:]
	}
	if len(c.list) == 0 {
		return len(c.s)
	}
	return int(c.list[0])
}
