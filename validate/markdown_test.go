package validate

import (
	"fmt"
	"strings"
	"testing"
)

func TestCodeCursor(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		at         string // a substring whose first byte is asked about
		code       bool   // whether it is in a code region
		fenced     bool
		setOff     bool
	}{
		{"inline span", "what does `ls -al | grep x` do", "| grep", true, false, true},
		{"text after span", "what does `ls -al` do", "do", false, false, false},
		{"korean prose after", "`ls -al | grep '^d'` 이게 무슨 뜻", "| grep", true, false, true},
		{"chinese colon before", "这个命令安全吗：`find . -exec rm {} \\;` 想", "find", true, false, true},
		{"glued to a word", "host web01`whoami`.corp", "whoami", true, false, false},
		{"glued after =", "name=`id` please", "id`", true, false, false},
		{"colon before a command line", "run this:`ls -la` 然后", "ls", true, false, true},
		{"colon before a word", "host:`id` ok", "id", true, false, false},
		{"full stop after", "run `make clean`.", "make", true, false, true},
		{"unclosed tick", "it's a ` tick | pipe", "| pipe", false, false, false},
		{"double ticks", "use ``a ` b`` here", " b``", true, false, true},
		{"span ends at line", "a `b\nc` d", "c`", false, false, false},
		{"fence", "```bash\nOLD=`ls | tail`\n```\nwhy?", "| tail", true, true, true},
		{"fence info line", "```bash\nx\n```", "bash", true, true, true},
		{"tilde fence", "~~~\nrm -rf x; ls\n~~~\nok", "; ls", true, true, true},
		{"unclosed fence", "```\n;id", ";id", false, false, false},
		{"fence with code info", "```;id\nls\n```", "ls", false, false, false},
		{"closing fence longer", "````\na | b\n`````\n", "| b", true, true, true},
		{"closing fence shorter", "````\na | b\n```\n", "| b", false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := strings.Index(tc.text, tc.at)
			if i < 0 {
				t.Fatalf("%q not in %q", tc.at, tc.text)
			}
			c := codeCursor{s: tc.text}
			r, ok := c.at(i)
			if ok != tc.code || ok && (r.fenced != tc.fenced || r.setOff(tc.text) != tc.setOff) {
				t.Errorf("at %d of %q: code %v fenced %v set off %v, want %v %v %v", i, tc.text,
					ok, r.fenced, ok && r.setOff(tc.text), tc.code, tc.fenced, tc.setOff)
			}
		})
	}
}

// TestCodeCursorOrder checks that asking about every offset in turn finds
// the same regions as asking about each one with a fresh cursor.
func TestCodeCursorOrder(t *testing.T) {
	text := "a `b | c` d\n```\ne `f`\n```\n`g` `` h ` i `` j ` k"
	c := codeCursor{s: text}
	for i := range len(text) {
		fresh := codeCursor{s: text}
		r1, ok1 := c.at(i)
		r2, ok2 := fresh.at(i)
		if ok1 != ok2 || r1 != r2 {
			t.Fatalf("offset %d: walking finds %v %v, a fresh cursor %v %v", i, r1, ok1, r2, ok2)
		}
	}
}

// TestCodeCursorLinear checks that texts built to make a naive scan look
// far ahead again and again (unclosed openers of every length, unclosed
// fences of falling length) take at most about twice as long when doubled.
func TestCodeCursorLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test; run without -short")
	}
	walk := func(text string) {
		c := codeCursor{s: text}
		for i := range len(text) {
			c.at(i)
		}
	}
	for _, unit := range []string{"` `` ``` ```` ", "````````\n```````\n``````\n", "~~~~~\n~~~~\n~~~\n", "`x"} {
		small, large := strings.Repeat(unit, 8<<10/len(unit)), strings.Repeat(unit, 16<<10/len(unit))
		wantLinear(t, fmt.Sprintf("%q", unit), small, large, walk)
	}
}
