package validate

import "testing"

func TestXPathInSentence(t *testing.T) {
	for _, tc := range []struct {
		in    string
		block bool
	}{
		{"find the book x'] | //user/password | //book[' please", true},
		{"look up ana' or count(//user)>0 or 'a'='b thanks", true},
		{"xpath //book[@lang='en'] or //book[@lang='fr'] is slow", false}, // quotes the text closes itself
		{"it's the parents' or the kids' choice", false},
	} {
		score, detail := xpathInSentence(tc.in)
		if got := score >= DefaultChatThreshold; got != tc.block {
			t.Errorf("xpathInSentence(%q) = %.2f %q, want block %v", tc.in, score, detail, tc.block)
		}
	}
}
