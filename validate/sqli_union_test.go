package validate

import "testing"

func TestUnionSelect(t *testing.T) {
	const union = "UNION SELECT after a value"
	tests := []chatSQLiCase{
		{"number, literals and a comment", "1 union select null,version()--", "short expression then a comment"},
		{"quote and parenthesis closed", "') UNION SELECT username, password FROM users--",
			"quote closed then UNION"},
		{"union all and a # comment", "x' union all select 1,2,3#", "quote closed then UNION"},
		{"negative number", "-1 UNION SELECT 1,2,3", union},
		{"name then columns from a table", "admin union select password from users", union},
		{"variable", "abc union select @@version", union},
		{"prose then a column list", "search term union select username, password from users", union},
		{"prose then a call", "name union select concat(user,0x3a,password) from mysql.user", union},
		{"prose then a star", "hello world union select * from users", union},
		{"table then a clause", "the product union select password from users limit 1", union},
		{"cast in the list", "UNION ALL SELECT FileToClob(\"/etc/passwd\", \"server\")::html,0", union},
		{"value then nothing after select", "@\u04441\u04441  union select ", union},

		{"students union", "the students union select a new president every year", ""},
		{"credit union", "Credit union select accounts offer better rates than banks", ""},
		{"committee at the start", "Union Select Committee hearing on Tuesday", ""},
		{"question mark after select", "Which candidates will the union select?", ""},
		{"number of delegates", "Does the union select 3 delegates or 4?", ""},
		{"list of officers", "Did the union select 2 delegates, 3 officers and a chair?", ""},
		{"from the branches", "the union select delegates from the branches every spring", ""},
		{"from all branches", "the union select delegates from all branches", ""},
		{"heading with a colon", "Agenda: Union select committee, terms of reference", ""},
		{"dashes", "the union select - after a vote - a leader", ""},
		{"german", "Der Bericht des European Union Select Committee wurde gestern veröffentlicht.", ""},
		{"pasted query", "SELECT a FROM t UNION SELECT b FROM u", ""},
	}
	testChatSQLi(t, tests)
}

// TestUnionSelectStrict checks that strict, where any injection signal
// counts, still blocks UNION SELECT between words.
func TestUnionSelectStrict(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"students union", "the students union select a new president every year"},
		{"committee at the start", "Union Select Committee hearing on Tuesday"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if score, detail := detectSQLi(prepare(tt.text), Strict); score < DefaultStrictThreshold {
				t.Errorf("detectSQLi(%q, Strict) = %.2f %q, want a finding", tt.text, score, detail)
			}
		})
	}
}

func TestSelectListSQL(t *testing.T) {
	tests := []struct {
		name string
		list string // the text after SELECT
		want bool
	}{
		{"literals", " 1,2,3", true},
		{"null and a call then a comment", " null,version()--", true},
		{"columns from a table", " username, password from users", true},
		{"column from a table and a clause", " salt from user where userid=1", true},
		{"star", " * from foo", true},
		{"qualified table", " name from db.staff", true},
		{"one-letter alias", " x from t a", true},
		{"subquery in from", " 1 from (select 2)", true},
		{"alias", " 1 as n, 2", true},
		{"call with commas inside", " concat(a, 0x3a, b) from t", true},
		{"cast", " f(\"x\")::html,0", true},
		{"order by", " 1 order by 2", true},
		{"limit", " 1 limit 1", true},
		{"inline comment", " 1/*x*/", true},
		{"lone literal at the end", " null", true},
		{"two columns at the end", " a, b", true},

		{"words", " a new president every year", false},
		{"one word at the end", " delegates", false},
		{"number then a word", " 12 delegates", false},
		{"nothing", "", false},
		{"question mark", "?", false},
		{"from words", " delegates from the branches", false},
		{"from a keyword", " delegates from all branches", false},
		{"from the end of a sentence", " delegates from members.", false},
		{"comma then a sentence", " 2 delegates, 3 officers and a chair", false},
		{"leading comma", ", by a show of hands, a chair", false},
		{"group without by", " a group of delegates", false},
		{"parenthesis then words", " (again) its leader", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := selectListSQL(tt.list, 0); got != tt.want {
				t.Errorf("selectListSQL(%q) = %v, want %v", tt.list, got, tt.want)
			}
		})
	}
}

func TestUnionBreakout(t *testing.T) {
	tests := []struct {
		name string
		prev sqlTok
		want bool
	}{
		{"number", sqlTok{kind: 'n', val: "1"}, true},
		{"string", sqlTok{kind: 's', val: "x"}, true},
		{"closing parenthesis", sqlTok{kind: 'p', val: ")"}, true},
		{"comment", sqlTok{kind: 'p', val: "#"}, true},
		{"operator", sqlTok{kind: 'o', val: "-"}, true},
		{"null", sqlTok{kind: 'w', val: "null"}, true},
		{"variable", sqlTok{kind: 'w', val: "@x"}, true},
		{"identifier", sqlTok{kind: 'w', val: "user_id"}, true},
		{"qualified name", sqlTok{kind: 'w', val: "t.id"}, true},

		{"nothing before", sqlTok{}, false},
		{"word", sqlTok{kind: 'w', val: "students"}, false},
		{"keyword", sqlTok{kind: 'w', val: "by"}, false},
		{"end of a sentence", sqlTok{kind: 'w', val: "students."}, false},
		{"colon", sqlTok{kind: 'o', val: ":"}, false},
		{"comma", sqlTok{kind: 'p', val: ","}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unionBreakout(tt.prev); got != tt.want {
				t.Errorf("unionBreakout(%+v) = %v, want %v", tt.prev, got, tt.want)
			}
		})
	}
}
