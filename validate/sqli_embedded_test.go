package validate

import (
	"strings"
	"testing"
)

func TestEmbeddedBreakout(t *testing.T) {
	for _, tc := range []struct {
		in    string
		block bool
	}{
		{"look up laptops' and sleep(10)-- thanks", true},
		{"invoice inv-7'; waitfor delay '0:0:5'-- please", true},
		{"main st'||(select pg_sleep(5))||' apt 4", true},
		{"abc' and (select count(*) from users)>0-- -", true},
		{"i'm after the tablets' or 1=1# and more", true}, // an apostrophe before does not count
		{"is this your parents' or yours -- honestly?", false},
		{"name = \"house\" union select name from t where a = \"b\"\n-- why slow?", false},
		{"the kids' and the parents' sleep -- a mess", false},
		{"laptops' and sleep(10) with no comment after", false},
		{"x' or 1=1", false}, // the first reading scores a value like this
	} {
		score, detail := embeddedBreakout(tc.in)
		if got := score >= 0.7; got != tc.block {
			t.Errorf("embeddedBreakout(%q) = %.2f %q, want block %v", tc.in, score, detail, tc.block)
		}
	}
}

func TestInjectedPart(t *testing.T) {
	for _, tc := range []struct {
		rest, seg string
		ok        bool
	}{
		{" or 1=1-- x", " or 1=1", true},
		{" or 'a--b'='a--b'# x", " or 'a--b'='a--b'", true}, // dashes inside a string do not end it
		{"||(select 1)||' 4", "||(select 1)", true},
		{"; drop table t;--", "; drop table t;", true},
		{" and more words with no end", "", false},
		{" yours -- honestly", "", false}, // no boolean after the quote
		{" or 1=1--x", "", false},         // --x is no comment in MySQL
	} {
		seg, ok := injectedPart(tc.rest, '\'')
		if seg != tc.seg || ok != tc.ok {
			t.Errorf("injectedPart(%q) = %q, %v, want %q, %v", tc.rest, seg, ok, tc.seg, tc.ok)
		}
	}
}

func TestStringArgument(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i    int
		want bool
	}{
		{`read_sql("select 1", conn)`, 9, true},
		{`f('select 1')`, 2, true},
		{`f('select 1' or 1=1`, 2, false},
		{`f(' or 1=1--`, 2, false},
	} {
		if got := stringArgument(tc.in, tc.i); got != tc.want {
			t.Errorf("stringArgument(%q, %d) = %v, want %v", tc.in, tc.i, got, tc.want)
		}
	}
}

func TestExponentThenKeyword(t *testing.T) {
	for _, tc := range []struct {
		in   string
		j    int
		want int
	}{
		{"1e0union", 1, 2},
		{"1e+10union", 1, 4},
		{"1e0", 1, 0},
		{"1eunion", 1, 0},
		{"1e5x", 1, 0},
	} {
		if got := exponentThenKeyword(tc.in, tc.j); got != tc.want {
			t.Errorf("exponentThenKeyword(%q, %d) = %d, want %d", tc.in, tc.j, got, tc.want)
		}
	}
}

func TestAssignments(t *testing.T) {
	for _, tc := range []struct {
		seg  string
		want int
	}{
		{", role='admin', bio='hi'", 2},
		{", role = 'admin'", 1},
		{", and then more", 0},
		{" or 1=1", 0},
	} {
		if got := assignments(tc.seg); got != tc.want {
			t.Errorf("assignments(%q) = %d, want %d", tc.seg, got, tc.want)
		}
	}
}

func TestNamedInProse(t *testing.T) {
	for _, tc := range []struct {
		s, word string
		want    bool
	}{
		{"what is xp_cmdshell for", "xp_cmdshell", true},
		{"can i use select pg_sleep(3) in a test", "pg_sleep", true},
		{"1 and 1=convert(int,@@version)", "@@version", false},
		{"x and 1=sleep(5)", "sleep", false},
		{"then benchmark(100,md5(1)) runs", "benchmark", false},
	} {
		pos := strings.Index(tc.s, tc.word)
		if got := namedInProse(tc.s, pos, pos+len(tc.word)); got != tc.want {
			t.Errorf("namedInProse(%q, %q) = %v, want %v", tc.s, tc.word, got, tc.want)
		}
	}
}
