package validate

import "testing"

func TestExecutableComment(t *testing.T) {
	tests := []struct {
		name string
		text string
		want bool // the comment holds a query fragment
	}{
		{"versioned union and select", "id=7 /*!50000UNION*/ /*!50000SELECT*/ 1,2", true},
		{"boolean in a bare comment", "7 /*!or*/ 3>2-- -", true},
		{"version glued to a boolean", "x' /*!12345and*/ 2>1#", true},
		{"expression after select", "SELECT /*!40000 2/0, */ name FROM accounts", true},
		{"parenthesis after and", "1 and /*!(2)*/>1", true},
		{"call", "x' and /*!substr(*/version(),1,1)='5", true},
		{"catalogue name", "0 union select 1 from /*!information_schema*/.tables", true},
		{"server variable", "1 union select /*!@@version*/", true},
		{"several comments, the second counts", "/*!40101 SET a=1 */ 1 /*!union*/ select 2", true},

		{"question about the marker", "what does /*! mean in a mysqldump file?", false},
		{"dump session setting", "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;", false},
		{"dump database options",
			"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;", false},
		{"dump query hint", "SELECT /*!40001 SQL_NO_CACHE */ * FROM `orders`", false},
		{"manual example", "SELECT /*! STRAIGHT_JOIN */ col1 FROM table1,table2 WHERE a = 1", false},
		{"dump keys", "/*!40000 ALTER TABLE `users` DISABLE KEYS */;", false},
		{"temporary table", "CREATE /*!32302 TEMPORARY */ TABLE t (a INT);", false},
		{"partitioning", ") ENGINE=InnoDB /*!50100 PARTITION BY RANGE (year(created)) " +
			"(PARTITION p0 VALUES LESS THAN (2020)) */;", false},
		{"view definition", "/*!50001 VIEW `v` AS select `t`.`a` AS `a` from `t` */;", false},
		{"table option", "CREATE TABLE t1(a INT, KEY (a)) /*!50110 KEY_BLOCK_SIZE=1024 */;", false},
		{"number after a prose word", "see /*!50000 1 */ in the docs", false},
		{"version only", "1 /*!50000*/ 2", false},
		{"unclosed at the end", "x /*!", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, detail := executableComment(prepare(tt.text).low)
			if got := score >= DefaultChatThreshold; got != tt.want || (score > 0) != tt.want {
				t.Errorf("executableComment(%q) = %.2f %q, want fired=%v", tt.text, score, detail, tt.want)
			}
		})
	}
}

func TestLineCommentSpace(t *testing.T) {
	tests := []struct {
		name string
		text string
		want bool // a comment glued to a keyword stands for a space
	}{
		{"hash after union", "(select 1) union#\ndistinctrow\vselect 2", true},
		{"random filler", "1 AND#xYzzQ\n2=2", true},
		{"dash filler", "8 OR--qq\n5=5", true},
		{"carriage return", "0 union#a\r\nselect 1", true},
		{"comment lines between", "1 union all#a\n#b c d\n  #e\nselect 2", true},
		{"subquery next", "x union#\n(select 1)", true},
		{"call next", "1 or#\nascii(user())>64", true},

		{"c sharp", "How do I run this from C#\nSELECT * FROM users WHERE id = @id", false},
		{"f sharp", "I know C# and F#\nselect the one I should learn", false},
		{"hashtags", "Loving the new #union\n#select features", false},
		{"comment after a space", "SELECT id, -- the key\nname FROM t", false},
		{"dash comment after a space", "select a from t where x = 1 --filter\nand y = 2", false},
		{"comment with words", "SELECT a FROM t UNION--all of them\nSELECT b FROM u", false},
		{"glued to a name", "SELECT a FROM t--x\nWHERE b = 1", false},
		{"prose next", "union#\nmembers meet on friday", false},
		{"function name without a call", "union#\nleft side", false},
		{"nothing next", "select a union#\n", false},
		{"only comment lines next", "1 union#\n#a\n#b", false},
		{"long filler", "1 union#" + "abcdefghijklmnopqrstuvwxyzabcdefgh" + "\nselect 2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, detail := lineCommentSpace(prepare(tt.text).low)
			if got := score >= DefaultChatThreshold; got != tt.want || (score > 0) != tt.want {
				t.Errorf("lineCommentSpace(%q) = %.2f %q, want fired=%v", tt.text, score, detail, tt.want)
			}
		})
	}
}

// TestLineCommentSpaceProse checks that the detector leaves a dash that
// ends a line of prose alone, though the comment reading alone would
// count it.
func TestLineCommentSpaceProse(t *testing.T) {
	for _, text := range []string{
		"We tried it all--\nSELECT, UPDATE, nothing works on that table",
		"it helps to know them all--\nselect the ones your team uses and start there",
	} {
		if score, detail := detectSQLi(prepare(text), Chat); score >= DefaultChatThreshold {
			t.Errorf("detectSQLi(%q) = %.2f %q, want below %v", text, score, detail, DefaultChatThreshold)
		}
	}
}

func TestSplitKeywords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"s\ufffde\ufffdl\ufffde\ufffdc\ufffdt 1 u\ufffdnion sel\ufffdect 2", 3},
		{"caf\ufffd select menu", 0},     // U+FFFD after a word that is no keyword
		{"\ufffd\ufffd\ufffd", 0},        // filler alone
		{"o\ufffdr 1=1", 0},              // too short to be told from noise
		{"u\ufffdnion", 1},               // at the end of the text
		{"sel\ufffdectselectselectx", 0}, // longer than any keyword
	} {
		if got := splitKeywords(tc.in); got != tc.want {
			t.Errorf("splitKeywords(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
