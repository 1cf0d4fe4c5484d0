package validate

import "testing"

func TestZDbg(t *testing.T) {
	for _, s := range []string{"a'or'a", "' or true; foo", "sdfsd'or 1 > 1", "A' NOT REGEXP 'B", "' or xyz-"} {
		in := prepare(s)
		f := sqlFeatures(in.sql)
		sc, d := detectSQLi(in, Chat)
		t.Logf("%q sql=%q feats=%+v score=%v %s", s, in.sql, f, sc, d)
	}
}
