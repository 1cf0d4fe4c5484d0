package validate

import (
	"strings"
	"testing"
)

// TestOptionLastBytes keeps optionLastBytes in step with commandOptions.
func TestOptionLastBytes(t *testing.T) {
	for _, o := range commandOptions {
		if c := o[len(o)-2]; strings.IndexByte(optionLastBytes, c) < 0 {
			t.Errorf("option %q ends in %q before its =, which optionLastBytes lacks", o, c)
		}
	}
}

func TestOptionCommand(t *testing.T) {
	for _, tc := range []struct {
		in    string
		block bool
	}{
		{"--upload-pack='touch /tmp/x' https://example.com/r.git", true},
		{"-oproxycommand=sh -c id x@y", true},
		{"--checkpoint=1 --checkpoint-action=exec=sh shell.sh", true},
		{"customer_id = 42 and class=\"row\"", false},
		{"--upload-pack=", false}, // no command after it
	} {
		score, detail := optionCommand(tc.in)
		if got := score >= 0.7; got != tc.block {
			t.Errorf("optionCommand(%q) = %.2f %q, want block %v", tc.in, score, detail, tc.block)
		}
	}
}

func TestCodeVariable(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"$stmt->execute()", true},
		{"$row['id']", true},
		{"$x = 1", true},
		{"$cmd", false},
		{"$c1$c2", false},
	} {
		if got := codeVariable(tc.in, 1); got != tc.want {
			t.Errorf("codeVariable(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
