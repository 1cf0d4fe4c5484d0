package validate

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
