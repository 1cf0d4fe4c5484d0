package validate

import (
	"strings"
	"testing"
)

// sqlFeaturesFull is sqlFeatures without the inert-token loop: every token
// takes the full path.
func sqlFeaturesFull(s string) (sqlFacts, sqlScan) {
	var f sqlFacts
	st := sqlScan{first: true}
	for i := 0; ; {
		t, j, ok := nextSQLTok(s, i)
		if !ok {
			break
		}
		f.token(s, t, j, &st)
		i = j
	}
	f.finish(s, &st)
	return f, st
}

// checkInert fails when the inert-token loop reads s differently from the
// full token path.
func checkInert(t *testing.T, s string) {
	t.Helper()
	f, st := scanSQL(s)
	g, gt := sqlFeaturesFull(s)
	if f != g || st != gt {
		t.Fatalf("%q: inert loop %+v %+v, full path %+v %+v", s, f, st, g, gt)
	}
}

func TestInertTokens(t *testing.T) {
	texts := append([]string{}, fuzzSeeds...)
	texts = append(texts, chatText(1<<10),
		"x1.e(ascii(1)) and information_schema.tables, a.b.c. User.Name$x @v é.e",
		"sleep (5) or benchmark(1,1) from dual.x where 1.e.tables",
		"hello world. this is prose, with a count (of) things; and 1=1 -- end",
		"a . b .5 c.e d .e(1) concat (x) char(65) mysql.user `information_schema`.x")
	for _, r := range readCorpus(t, "testdata") {
		texts = append(texts, r.Text)
	}
	for _, s := range texts {
		in := prepare(s)
		for _, v := range []string{in.sql, in.low, in.dec, s} {
			checkInert(t, v)
		}
	}
	if testing.Short() {
		return
	}
	for _, r := range readCorpus(t, sharedDataDir(t)) {
		checkInert(t, prepare(r.Text).sql)
	}
}

func FuzzInertTokens(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add(strings.Repeat("word. x1.e( ", 3))
	f.Fuzz(func(t *testing.T, s string) {
		checkInert(t, s)
		checkInert(t, prepare(s).sql)
	})
}
