package validate

// shellTriggers are the bytes the checks of detectCmdI look for before
// they do any work: separators, substitutions and redirections, and the
// bytes every shell construct, marker and expansion holds. Most prose holds
// none of the separators, so one pass that notes which of these occur rules
// out most of the work.
const shellTriggers = ";|&\n\r`$<>\\/-{(%"

// shellTriggerBit maps each byte of shellTriggers to its own bit.
var shellTriggerBit = func() (t [256]uint16) {
	for i := 0; i < len(shellTriggers); i++ {
		t[shellTriggers[i]] = 1 << i
	}
	return t
}()

// triggerSet is the set of shellTriggers bytes found in a text.
type triggerSet uint16

// shellTriggersIn returns the set of shellTriggers bytes in s.
func shellTriggersIn(s string) triggerSet {
	var t uint16
	for i := 0; i < len(s); i++ {
		t |= shellTriggerBit[s[i]]
	}
	return triggerSet(t)
}

// has reports whether c was found. A byte that is not one of shellTriggers
// is never ruled out.
func (t triggerSet) has(c byte) bool {
	bit := shellTriggerBit[c]
	return bit == 0 || uint16(t)&bit != 0
}

// hasAny reports whether any byte of chars was found.
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
