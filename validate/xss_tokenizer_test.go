package validate

import (
	"testing"

	"github.com/corazawaf/libinjection-go"
)

// TestTokenizerMayFire checks, on the corpus and a few texts without '<',
// that libinjection never reports a text tokenizerMayFire rules out; a new
// libinjection version that does needs the gate looked at again.
func TestTokenizerMayFire(t *testing.T) {
	texts := []string{"onload=alert(1)", "\" onerror=alert(1) x=\"", "' style=x:y '",
		"` src=javascript:alert(1)", "a onclick alert(1)", "javascript:alert(1)", "xmlns x"}
	for _, r := range readCorpus(t, sharedDataDir(t)) {
		texts = append(texts, prepare(r.Text).dec)
	}
	for _, r := range readCorpus(t, "testdata") {
		texts = append(texts, prepare(r.Text).dec)
	}
	for _, s := range texts {
		if libinjection.IsXSS(s) && !tokenizerMayFire(s) {
			t.Errorf("libinjection reports %q, which tokenizerMayFire rules out", s)
		}
	}
}
