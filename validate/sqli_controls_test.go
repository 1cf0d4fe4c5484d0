package validate

import "testing"

func TestControlSpaces(t *testing.T) {
	const signal = "control characters used as spaces between SQL words"
	tests := []chatSQLiCase{
		{"nul between words of a query", "SELECT\x00password\x00FROM\x00accounts", signal},
		{"encoded nul", "SELECT%00secret%00FROM%00vault", signal},
		{"other control bytes", "SELECT\x01name\x01FROM\x01staff", signal},
		{"control after a dotted name", "select\x00a\x00from\x00information_schema.tables", signal},
		{"tautology read with spaces", "1\x00OR\x00TRUE", "always-true condition true"},

		{"control between prose words", "my\x02order\x02is\x02not\x02in\x02the\x02list", ""},
		{"prose with sql words", "please\x00select\x00from\x00the\x00list", ""},
		{"one separator", "SELECT\x00* FROM t", ""},
		{"prose that starts with a statement word", "update\x00me\x00when\x00you\x00can", ""},
		{"prose that starts with set", "set\x00my\x00alarm\x00for\x00six", ""},
		{"utf-16 text", "S\x00E\x00L\x00E\x00C\x00T\x00 \x00*\x00 \x00F\x00R\x00O\x00M\x00 \x00t\x00", ""},
		{"terminal colours", "\x1b[1mSELECT\x1b[0m name \x1b[1mFROM\x1b[0m users", ""},
		{"trailing nul", "select name from staff\x00", ""},
	}
	testChatSQLi(t, tests)
}

// chatSQLiCase is a text and the detail of the SQL finding it should get in
// the chat context, "" for allowed.
type chatSQLiCase struct {
	name string
	text string
	want string
}

func testChatSQLi(t *testing.T, tests []chatSQLiCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, detail := detectSQLi(prepare(tt.text), Chat)
			if score < DefaultChatThreshold {
				score, detail = 0, ""
			}
			if detail != tt.want {
				t.Errorf("detectSQLi(%q) = %.2f %q, want %q", tt.text, score, detail, tt.want)
			}
		})
	}
}
