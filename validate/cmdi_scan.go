package validate

import "strings"

// shellTriggers are the bytes the checks of detectCmdI look for before
// they do any work: separators, substitutions and redirections, the bytes
// shell constructs, markers and expansions need, the quotes and carets
// shell noise is made of and the last bytes of exec sinks. Most prose holds none of the
// separators, so noting which of these occur rules out most of the work.
const shellTriggers = ";|&\n\r`$<>\\/-{(%'\".#^"

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

// indexTrigger returns the index of the first byte of s that is in bits,
// or -1.
func indexTrigger(s string, bits triggerSet) int {
	for i := 0; i < len(s); i++ {
		if shellTriggerBit[s[i]]&bits != 0 {
			return i
		}
	}
	return -1
}

// shellByteTable returns a table that is true for the bytes of chars.
func shellByteTable(chars string) (t [256]bool) {
	for i := 0; i < len(chars); i++ {
		t[chars[i]] = true
	}
	return t
}

// shellNoise are the bytes at which shellForm may remove something.
var shellNoise = triggersOf("$'\"`\\<>^")

// The lists of positions a shellView keeps, by the checks they serve.
const (
	separatorList = iota // of separatorChars, for separatorScan
	keyList              // of constructKeys, for shellConstruct
	sinkEndList          // of sinkEnds, for the exec sinks
)

// listBytes are the bytes each list takes.
var listBytes = [...]triggerSet{
	separatorList: triggersOf(separatorChars),
	keyList:       triggersOf(constructKeys),
	sinkEndList:   triggersOf(sinkEnds),
}

// listedTriggers are the bytes some list takes.
var listedTriggers = listBytes[separatorList] | listBytes[keyList] | listBytes[sinkEndList]

// shellView is the shell form of a text with what the pass that made it
// learnt on the way: which shellTriggers bytes occur, and where the
// separators, the keys of shell constructs and the ends of exec sinks are.
type shellView struct {
	s          string     // the shell form ([shellForm])
	obfuscated bool       // noise was removed or a $IFS replaced
	seen       triggerSet // holds every shellTriggers byte of s
	lists      [len(listBytes)]positions
}

// read makes v the shell view of low. s has no other bytes than low, but
// the space that replaces $IFS.
func (v *shellView) read(low string) {
	var b strings.Builder  // empty until the first change
	done := 0              // low[:done] is in b
	shift := 0             // low[i] is s[i-shift]
	open := listedTriggers // the bytes of the lists that are not too long
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
			if bit&open != 0 {
				open = v.mark(bit, i-shift)
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

// mark notes the byte of bit at s[i] in the lists that take it, and
// returns the bytes of the lists that are not too long yet.
func (v *shellView) mark(bit triggerSet, i int) (open triggerSet) {
	for k, bytes := range listBytes {
		p := &v.lists[k]
		if bit&bytes != 0 {
			p.add(i)
		}
		if p.n >= 0 {
			open |= bytes
		}
	}
	return open
}

// listed reports whether v lists all the bytes a list takes; when a text
// holds too many of them, searching it is faster than walking a list.
func (v *shellView) listed(list int) bool { return v.lists[list].n >= 0 }

// cursor returns a cursor over the bytes of v.s that a list takes.
func (v *shellView) cursor(list int) markCursor {
	c := markCursor{s: v.s, bits: listBytes[list]}
	if p := &v.lists[list]; p.n >= 0 {
		c.list = p.at[:p.n]
	} else {
		c.scan = true
	}
	return c
}

// maxPositions is how many positions a positions list holds.
const maxPositions = 32

// positions lists where some bytes of a text are, in order, as long as
// there are at most maxPositions of them.
type positions struct {
	n  int // how many of at are used; -1: there were too many
	at [maxPositions]int
}

// add appends i, or marks the list as too long.
func (p *positions) add(i int) {
	if p.n < 0 || p.n == maxPositions {
		p.n = -1
		return
	}
	p.at[p.n] = i
	p.n++
}

// markCursor walks the bytes of a text that are in bits, in order:
// through a positions list or, when it had too many to list, by a scan.
type markCursor struct {
	s    string
	bits triggerSet
	list []int
	scan bool
}

// next returns the index of the first of the bytes at or after i, or
// len(s).
func (c *markCursor) next(i int) int {
	if c.scan {
		for i < len(c.s) && shellTriggerBit[c.s[i]]&c.bits == 0 {
			i++
		}
		return i
	}
	k := 0
	for k < len(c.list) && c.list[k] < i {
		k++
	}
	c.list = c.list[k:]
	if len(c.list) == 0 {
		return len(c.s)
	}
	return c.list[0]
}
