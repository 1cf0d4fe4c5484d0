package validate

import "strings"

// shellTriggers are the bytes the checks of detectCmdI look for before
// they do any work: separators, substitutions and redirections, the bytes
// every shell construct, marker and expansion holds, and the quotes shell
// noise is made of. Most prose holds none of the separators, so noting
// which of these occur rules out most of the work.
const shellTriggers = ";|&\n\r`$<>\\/-{(%'\"."

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

// shellNoise are the bytes at which shellForm may remove something.
var shellNoise = triggersOf("$'\"`\\<>")

// Sets of bytes whose positions a shellView lists, each for its check.
var (
	separatorTriggers = triggersOf(separatorChars)
	keyTriggers       = triggersOf(constructKeys)
	sinkEndTriggers   = triggersOf(sinkEnds)
	markedTriggers    = separatorTriggers | keyTriggers | sinkEndTriggers
)

// shellView is the shell form of a text with what the pass that made it
// learnt on the way: which shellTriggers bytes occur, and where the
// separators, the keys of shell constructs and the ends of exec sinks are.
type shellView struct {
	s          string     // the shell form ([shellForm])
	obfuscated bool       // noise was removed or a $IFS replaced
	seen       triggerSet // holds every shellTriggers byte of s
	seps       positions  // of the separatorChars bytes of s
	keys       positions  // of the constructKeys bytes of s
	ends       positions  // of the sinkEnds bytes of s
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
			if bit&markedTriggers != 0 {
				v.mark(bit, i-shift)
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

// mark notes the byte of bit at s[i] in the lists that take it.
func (v *shellView) mark(bit triggerSet, i int) {
	if bit&separatorTriggers != 0 {
		v.seps.add(i)
	}
	if bit&keyTriggers != 0 {
		v.keys.add(i)
	}
	if bit&sinkEndTriggers != 0 {
		v.ends.add(i)
	}
}

// maxPositions is how many positions a positions list holds.
const maxPositions = 32

// positions lists where some bytes of a text are, in order, as long as
// there are at most maxPositions of them.
type positions struct {
	n  int // how many of at are used; -1: there were too many
	at [maxPositions]int32
}

// add appends i, or marks the list as too long.
func (p *positions) add(i int) {
	switch p.n {
	case -1:
	case maxPositions:
		p.n = -1
	default:
		p.at[p.n] = int32(i)
		p.n++
	}
}

// cursor returns a cursor over the bytes of s that p lists; set holds
// those bytes, for when p had too many to list.
func (p *positions) cursor(s string, set *[256]bool) markCursor {
	if p.n < 0 {
		return markCursor{s: s, set: set, scan: true}
	}
	return markCursor{s: s, list: p.at[:p.n]}
}

// markCursor walks some bytes of a text in order: through a positions
// list or, when it had too many to list, by a scan for the bytes of set.
type markCursor struct {
	s    string
	set  *[256]bool
	list []int32
	scan bool
}

// next returns the index of the first of the bytes at or after i, or
// len(s).
func (c *markCursor) next(i int) int {
	if c.scan {
		for i < len(c.s) && !c.set[c.s[i]] {
			i++
		}
		return i
	}
	k := 0
	for k < len(c.list) && int(c.list[k]) < i {
		k++
	}
	c.list = c.list[k:]
	if len(c.list) == 0 {
		return len(c.s)
	}
	return int(c.list[0])
}
