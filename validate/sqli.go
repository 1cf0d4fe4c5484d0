package validate

import (
	"strings"

	"github.com/corazawaf/libinjection-go"
)

// maxSQLScan bounds how much of a text the SQL tokenizer looks at. Payloads
// sit where a value starts; past this point a megabyte of text only costs
// time.
// TODO: a payload buried after 16 KiB of filler is judged on its start
// only; scanning windows along long inputs would close that gap.
const maxSQLScan = 16 << 10

// maxLibinjection bounds the text given to libinjection, which allocates
// per token: its fingerprint covers the first few tokens of a value anyway.
const maxLibinjection = 2 << 10

// sqlTok is one token of the light SQL tokenizer. Its fields are ordered so
// that it fits 32 bytes, the size up to which the compiler keeps a struct
// in registers rather than copying it through memory.
type sqlTok struct {
	val  string // the token text (a string's body for 's')
	pos  int
	kind byte // 'w' word, 'n' number, 's' string, 'o' operator, 'p' punctuation
	open bool // an 's' token that runs to the end of the text unclosed
}

// Bits of [sqlByteClass].
const (
	sqlNumStart   uint8 = 1 << iota // a digit
	sqlWordStart                    // a letter, _, @, $ or a byte of UTF-8
	sqlWordPart                     // a word byte, @, $ or .
	sqlNumPart                      // a word byte or .
	sqlOpStart                      // a byte that starts an operator
	sqlOpPart                       // a byte that continues an operator
	sqlInertPunct                   // punctuation that only counts as a token
)

// sqlByteClass tells [nextSQLTok] what each byte may start or continue.
var sqlByteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case isDigit(b):
			t[c] |= sqlNumStart
		case isAlpha(b) || b == '_' || b == '@' || b == '$' || b >= 0x80:
			t[c] |= sqlWordStart
		}
		if isWordByte(b) || b == '@' || b == '$' || b == '.' {
			t[c] |= sqlWordPart
		}
		if isWordByte(b) || b == '.' {
			t[c] |= sqlNumPart
		}
		if strings.IndexByte("=<>!|&+-*/%^~:", b) >= 0 {
			t[c] |= sqlOpStart
		}
		if strings.IndexByte("=<>!|&-", b) >= 0 {
			t[c] |= sqlOpPart
		}
		if t[c]&(sqlNumStart|sqlWordStart|sqlOpStart) == 0 && !isSpace(b) &&
			strings.IndexByte("'\"`();#", b) < 0 {
			t[c] |= sqlInertPunct // '.' too, unless a digit follows
		}
	}
	return t
}()

// nextSQLTok returns the token at or after i and the index after it; ok is
// false at the end of s.
func nextSQLTok(s string, i int) (t sqlTok, j int, ok bool) {
	i = skipSpace(s, i)
	if i >= len(s) {
		return t, i, false
	}
	c := s[i]
	class := sqlByteClass[c]
	t.pos = i
	switch {
	case class&sqlNumStart != 0 || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
		j = i + 1
		for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
			j++
		}
		if numberSuffix(s, j) {
			j++ // 1fUNION: an Oracle float suffix, then the keyword
		} else if e := exponentThenKeyword(s, j); e > 0 {
			j += e
		} else if !gluedKeyword(s, j) {
			for j < len(s) && sqlByteClass[s[j]]&sqlNumPart != 0 {
				j++
			}
		}
		t.kind, t.val = 'n', s[i:j]
	case class&sqlWordStart != 0:
		j = i + 1
		for j < len(s) && sqlByteClass[s[j]]&sqlWordPart != 0 {
			j++
		}
		t.kind, t.val = 'w', s[i:j]
	case c == '\'' || c == '"' || c == '`':
		end := strings.IndexByte(s[i+1:], c)
		if end < 0 {
			t.kind, t.val, t.open = 's', s[i+1:], true
			return t, len(s), true
		}
		t.kind, t.val = 's', s[i+1:i+1+end]
		j = i + 2 + end
	case class&sqlOpStart != 0:
		j = i + 1
		for j < len(s) && j-i < 3 && sqlByteClass[s[j]]&sqlOpPart != 0 {
			j++
		}
		t.kind, t.val = 'o', s[i:j]
	default:
		t.kind, t.val, j = 'p', s[i:i+1], i+1
	}
	return t, j, true
}

// gluedKeyword reports whether a keyword that MySQL reads apart from the
// number before it starts at s[j] (1union, 0and).
func gluedKeyword(s string, j int) bool {
	if j >= len(s) || !isAlpha(s[j]) {
		return false
	}
	switch wordAt(s, j) {
	case "union", "select", "and", "or", "xor", "from", "limit", "order", "group", "having",
		"like", "div":
		return true
	}
	return false
}

// sqlKeywords are words that continue a SQL statement after a value.
var sqlKeywords = map[string]bool{
	"or": true, "and": true, "xor": true, "union": true, "select": true,
	"having": true, "group": true, "order": true, "procedure": true,
	"into": true, "limit": true, "like": true, "rlike": true, "regexp": true,
	"waitfor": true, "from": true, "where": true, "not": true, "is": true,
	"in": true, "between": true, "div": true, "mod": true, "sounds": true,
	"collate": true, "exec": true, "execute": true, "declare": true,
	"drop": true, "insert": true, "update": true, "delete": true,
	"offset": true, "case": true, "when": true, "then": true, "end": true,
	"if": true, "null": true, "all": true, "distinct": true, "as": true,
	"values": true, "set": true, "by": true, "asc": true, "desc": true,
	"join": true, "on": true, "except": true, "intersect": true, "binary": true,
	"distinctrow": true,
}

// sqlDanger are functions and objects that attacks use to read data or
// time answers and that ordinary questions seldom spell out.
var sqlDanger = map[string]bool{
	"sleep": true, "benchmark": true, "pg_sleep": true, "load_file": true,
	"extractvalue": true, "updatexml": true, "xp_cmdshell": true,
	"randomblob": true, "sys_eval": true, "name_const": true,
	"information_schema": true, "sysobjects": true, "syscolumns": true,
	"sqlite_master": true, "pg_shadow": true, "utl_http": true,
	"utl_inaddr": true, "dbms_pipe": true, "@@version": true,
	"@@datadir": true, "outfile": true, "dumpfile": true, "pg_read_file": true,
	"sp_executesql": true, "xp_dirtree": true, "master..sysdatabases": true,
	"all_tables": true, "user_tables": true, "dbms_ldap": true,
	"mysql.user": true, "geometrycollection": true, "multipoint": true,
	"polygon": true, "linestring": true, "exp": false, "waitfor": true,
	"char": false, "concat": false, "group_concat": true, "version": false,
	"database": false, "schema_name": true, "table_name": true,
	"column_name": true, "sqlmap": true, "pg_catalog": true,
	"sys.objects": true, "msysaccessobjects": true, "rdb$database": true,
	"dbms_xmlgen": true, "ctxsys": true, "sys_context": true, "sp_password": true,
	"sp_oacreate": true, "xp_regread": true, "sp_makewebtask": true,
	"lo_get": true, "lo_put": true, "lo_import": true, "lo_export": true,
}

// dangerNeedsCall are the [sqlDanger] names that are also English words or
// common identifiers: they count only when called.
var dangerNeedsCall = wordSet(`sleep benchmark polygon multipoint linestring
	geometrycollection version database table_name column_name schema_name
	lo_get lo_put lo_import lo_export`)

// sqlFuncs are SQL functions that, applied right after a value, show a
// payload being assembled.
var sqlFuncs = map[string]bool{
	"char": true, "chr": true, "concat": true, "concat_ws": true,
	"substring": true, "substr": true, "mid": true, "ascii": true,
	"ord": true, "hex": true, "unhex": true, "version": true,
	"database": true, "user": true, "current_user": true, "system_user": true,
	"convert": true, "cast": true, "count": true, "length": true, "if": true,
	"ifnull": true, "coalesce": true, "decode": true, "encode": true,
	"md5": true, "sha1": true, "rand": true, "floor": true, "exp": true,
	"now": true, "sysdate": true, "json_extract": true, "elt": true,
	"make_set": true, "instr": true, "locate": true, "position": true,
	"lower": true, "upper": true, "left": true, "right": true, "repeat": true,
	"replace": true, "reverse": true, "trim": true, "isnull": true,
	"nullif": true, "least": true, "greatest": true, "sin": true, "cos": true,
	"abs": true, "round": true, "sum": true, "avg": true, "min": true,
	"max": true, "default": true, "local": true, "values": true,
	"iif": true, "case": true, "exists": true, "bin": true, "oct": true,
	"conv": true, "uncompress": true, "compress": true, "to_char": true,
	"utl_raw": true, "procedure": true, "analyse": true, "load_file": true,
}

// detectSQLi scores SQL injection: a value that closes its string or number
// and continues with SQL (tautologies, UNION SELECT, stacked statements,
// comments that cut the rest of the query, timing and catalogue functions).
// libinjection's fingerprinting is one signal among these.
func detectSQLi(in *input, c Context) (float64, string) {
	s := formSpaces(clip(in.sql, maxSQLScan))
	var h hit
	f := sqlFeatures(s)
	if low := clip(in.low, maxSQLScan); strings.IndexByte(low, '\n') >= 0 {
		if t := lineComments(low); len(t) != len(low) {
			// Read it again with the line comments gone: 1--x\nOR 2=2.
			g := sqlFeatures(sqlForm(t))
			f.merge(g)
			if f.breakout == "" {
				f.breakout = g.breakout
			}
			if !g.prose() {
				// Not a dash ending a line of prose: tried it all--\nSELECT.
				h.see(lineCommentSpace(low))
			}
		}
	}
	if strings.Contains(s, "\ufffd") {
		// A decoder left U+FFFD for bytes it could not read; a filter
		// sees one word where the database sees separated ones.
		f.merge(sqlFeatures(strings.ReplaceAll(s, "\ufffd", " ")))
		// Filler inside the words themselves (S\ufffdE\ufffdL\ufffdE\ufffdC\ufffdT)
		// hides keywords from a filter that reads U+FFFD as a letter.
		switch n := splitKeywords(s); {
		case n >= 2:
			h.see(0.8, "SQL keywords split by undecodable bytes")
		case n == 1:
			h.see(0.75, "a SQL keyword split by an undecodable byte")
		}
	}
	if in.ctl != "" {
		// Read it again with control characters as spaces, as Oracle
		// reads NUL and SQL Server every C0 control: 1\x00OR\x001=1.
		ctl := clip(in.ctl, maxSQLScan)
		spaced := sqlForm(strings.ReplaceAll(ctl, "\x00", " "))
		g := sqlFeatures(spaced)
		f.merge(g)
		h.see(controlSpaces(ctl, spaced, g))
	}
	for q, n := breakoutQuote(s), 0; q >= 0 && n < 3; q, n = quoteAfter(s, q+1), n+1 {
		// Read the rest again as the database would after the quote
		// closed the application's string: ' or true; ... Later quotes
		// in the short value count too (blah/"}' and ...).
		f.merge(sqlFeatures(s[q+1:]))
	}
	h.see(0.9, f.breakout)
	h.see(embeddedBreakout(s))
	h.see(0.92, f.tautology)
	h.see(0.85, f.stacked)
	h.see(0.88, f.union)
	if c == Strict {
		h.see(0.88, f.proseUnion)
	}
	if f.danger != "" && f.dangerNamed && f.prose() && c == Chat {
		// A question about xp_cmdshell or information_schema names it
		// in a sentence; a payload calls it or sits in a query.
		h.see(0.5, f.danger+", named in prose")
	} else {
		h.see(0.8, f.danger)
	}
	h.see(sqlEvasion(in.low, s))
	if h.score > 0 {
		return h.score, h.detail
	}
	// Weak signals only: a pasted, complete query or prose around SQL
	// does not reach the chat threshold on these, so libinjection (the
	// costliest step) is skipped there in chat.
	weak := f.completeQuery || f.prose()
	if !weak || c == Strict {
		if ok, fp := libinjection.IsSQLi(clip(in.dec, maxLibinjection)); ok {
			score := 0.85
			switch {
			case weak:
				score = 0.45
			case f.words <= 1 && len(s) < 64 && quotedValue(s):
				// A short value that closes its quote: the string-
				// operator-string shapes count here.
			case !strings.ContainsAny(fp, "kEUfc;(vTB") || len(fp) <= 2:
				// Strings, numbers, words and logic only ("BLUE" AND
				// "RED"): shop searches look the same.
				score = 0.6
			}
			h.see(score, "libinjection fingerprint "+fp)
		}
	}
	if f.dense != "" && !weak {
		h.see(0.72, f.dense)
	}
	if c == Strict && h.score < 0.4 {
		h.see(strictSQLSignal(s))
	}
	return h.score, h.detail
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// sqlFacts holds what the SQL tokenizer saw; each string field is empty or
// the explanation of a structure found.
type sqlFacts struct {
	breakout, tautology, danger, stacked, union, dense string
	proseUnion                                         string // UNION SELECT between words: strict only
	dangerNamed                                        bool   // danger is a name, not a call
	words, sqlWords, calls                             int    // prose words, SQL words, SQL calls
	completeQuery                                      bool   // worked out only when !prose()
}

// prose reports whether the words of the text are mostly prose, not SQL.
func (f *sqlFacts) prose() bool { return f.words >= 4 && f.words > f.sqlWords }

// merge fills the structural findings f lacks from g, a second reading of
// the same text.
func (f *sqlFacts) merge(g sqlFacts) {
	for _, p := range []struct{ dst, src *string }{
		{&f.tautology, &g.tautology}, {&f.danger, &g.danger},
		{&f.stacked, &g.stacked}, {&f.union, &g.union}, {&f.proseUnion, &g.proseUnion},
	} {
		if *p.dst == "" {
			*p.dst = *p.src
		}
	}
}

// breakoutQuote returns the index of the first quote that is not an
// apostrophe, when only a short value precedes it, or -1.
func breakoutQuote(s string) int {
	for i := 0; i < len(s) && i < 40; i++ {
		c := s[i]
		if c != '\'' && c != '"' && c != '`' {
			continue
		}
		if apostrophe(s, i) || c == '`' && strings.Count(s, "`")%2 == 0 {
			continue
		}
		if valueLike(s[:i]) {
			return i
		}
		return -1
	}
	return -1
}

// quoteAfter is [breakoutQuote] for the quotes from s[from]: the index of
// the next quote that is not an apostrophe while the text before it is
// still a short value, or -1.
func quoteAfter(s string, from int) int {
	for i := from; i < len(s) && i < 40; i++ {
		c := s[i]
		if c != '\'' && c != '"' && c != '`' || apostrophe(s, i) {
			continue
		}
		if valueLike(s[:i]) {
			return i
		}
		return -1
	}
	return -1
}

// quotedValue reports whether s starts with a short value and a quote that
// closes it, as opposed to a quoted phrase ("NOT FOR SALE").
func quotedValue(s string) bool {
	q := breakoutQuote(s)
	return q > 0 || q == 0 && strings.Count(s, s[:1])%2 == 1
}

// apostrophe reports whether the quote at s[i] sits inside a word (don't,
// O'Brien) rather than ending a value: a'or'a is not an apostrophe.
func apostrophe(s string, i int) bool {
	if s[i] != '\'' || i == 0 || i+1 >= len(s) || !isAlpha(s[i-1]) || !isAlpha(s[i+1]) {
		return false
	}
	w := wordAt(s, i+1)
	switch w {
	case "or", "and", "xor", "union", "div", "like", "rlike", "regexp", "not", "is", "sounds",
		"collate", "having", "order", "group", "limit", "procedure":
		end := i + 1 + len(w)
		return end < len(s) && isAlpha(s[end])
	}
	return true
}

// sqlScan is the running state of one tokenizer pass.
type sqlScan struct {
	prev        sqlTok // the previous token
	first       bool   // no token seen yet
	startsQuery bool   // the first token starts a statement
	parens      int    // open minus closed parentheses
	selects     int
	bools       int // and, or, not
	ntok        int
	// dotE is set when a word, number or string holds ".e", where a
	// digit may precede it ([sciNotationTrick]): a '.' right after a
	// digit never starts a token of its own.
	dotE bool
}

// sqlFeatures tokenizes s once and collects [sqlFacts].
func sqlFeatures(s string) sqlFacts {
	f, _ := scanSQL(s)
	return f
}

// scanSQL is [sqlFeatures] that also returns the scan's final state.
func scanSQL(s string) (sqlFacts, sqlScan) {
	var f sqlFacts
	st := sqlScan{first: true}
	for i := 0; ; {
		i = f.inertTokens(s, i, &st)
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

// inertTokens reads the tokens from s[i] on that [sqlFacts.token] would
// only count: words starting with a letter or a UTF-8 byte that are no
// clause word, call, dangerous name or 1.e, and punctuation other than
// ( ) ; #. It returns where the first other token starts (or the spaces
// before it), for the full reading to go on. Prose is mostly made of such
// tokens; the counts are kept in locals and stored once. TestInertTokens
// checks it against the full path.
func (f *sqlFacts) inertTokens(s string, i int, st *sqlScan) int {
	var n, words, sqlWords int
	last := st.prev
scan:
	for {
		k := skipSpace(s, i)
		if k >= len(s) {
			break
		}
		c, e, how, kind := s[k], k+1, uncounted, byte('p')
		switch {
		case isAlpha(c) || c >= 0x80:
			var plain bool
			e, plain = wordEnd(s, k)
			how, kind = wordCount(s, k, e, plain), 'w'
		case sqlByteClass[c]&sqlInertPunct == 0 || c == '.' && isDigit(peekAt(s, e)):
			how = notInert
		}
		switch how {
		case notInert:
			break scan
		case proseWord:
			words++
		case sqlWord:
			sqlWords++
		}
		n++
		last, i = sqlTok{val: s[k:e], pos: k, kind: kind}, e
	}
	if n > 0 {
		st.ntok += n
		st.prev, st.first = last, false
		f.words += words
		f.sqlWords += sqlWords
	}
	return i
}

// How [sqlFacts.token] counts a token, for [sqlFacts.inertTokens].
const (
	uncounted = iota // a token only: punctuation, a one-letter word
	proseWord
	sqlWord
	notInert // it does more than count the token
)

// wordCount tells how [sqlFacts.word] counts the word s[k:e], which does
// not start with _ @ or $; a plain word has no . @ $ or capital.
func wordCount(s string, k, e int, plain bool) int {
	w := s[k:e]
	info := sqlWordInfo(w)
	switch {
	case info&(isDanger|isClause) != 0, info&isFunc != 0 && peekByte(s, e) == '(':
		return notInert
	case !plain && (dangerName(w, info) != "" || strings.Contains(w, ".e")):
		return notInert // a dotted name (information_schema.tables), a 1.e
	case info&isKeyword != 0:
		return sqlWord
	case e-k > 1:
		return proseWord
	}
	return uncounted
}

// peekAt returns s[i], or 0 past the end.
func peekAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// token records what token t (ending at s[j]) adds to f, then makes it the
// previous token of st.
func (f *sqlFacts) token(s string, t sqlTok, j int, st *sqlScan) {
	st.ntok++
	switch t.kind {
	case 'w':
		f.word(s, t, j, st)
	case 's':
		f.quoted(s, t)
	case 'o':
		f.operator(s, t, j, st)
	case 'p':
		f.punctuation(s, t, j, st)
	}
	if t.kind == 'w' || t.kind == 'n' || t.kind == 's' {
		st.dotE = st.dotE || strings.Contains(t.val, ".e")
	}
	st.prev, st.first = t, false
}

// quoted records a `quoted` name, which is a name: `information_schema`.tables.
func (f *sqlFacts) quoted(s string, t sqlTok) {
	if s[t.pos] != '`' || f.danger != "" {
		return
	}
	if d := dangerName(t.val, sqlWordInfo(t.val)); d != "" && !dangerNeedsCall[d] {
		f.danger = "SQL " + d + " reached from input"
	}
}

// operator records what the operator token t adds to f.
func (f *sqlFacts) operator(s string, t sqlTok, j int, st *sqlScan) {
	last := st.prev
	if t.val == "||" || t.val == "&&" {
		f.checkTautology(s, j)
	}
	if t.val == "--" && st.ntok > 1 && f.breakout == "" && valueLike(s[:t.pos]) &&
		(last.kind == 's' || bareNumber(last) || last.val == ")") &&
		(j >= len(s) || isSpace(s[j]) || s[j] == '-') {
		f.breakout = "value closed then -- comment"
	}
}

// punctuation records what the punctuation token t adds to f.
func (f *sqlFacts) punctuation(s string, t sqlTok, j int, st *sqlScan) {
	last := st.prev
	switch t.val {
	case "(":
		st.parens++
	case ")":
		st.parens--
	case ";":
		f.checkStacked(s, j, last, st.first)
	case "#":
		if (last.kind == 's' || last.kind == 'n' || last.val == ")") && f.breakout == "" &&
			valueLike(s[:t.pos]) {
			f.breakout = "value closed then # comment"
		}
	}
}

// word records what the word token t adds to f.
func (f *sqlFacts) word(s string, t sqlTok, j int, st *sqlScan) {
	info := sqlWordInfo(t.val)
	call := info&isFunc != 0 && peekByte(s, j) == '('
	if call {
		f.calls++
	}
	switch {
	case info&(isKeyword|isDanger) != 0 || call:
		f.sqlWords++
	case len(t.val) > 1 && t.val[0] != '@':
		f.words++
	}
	if f.danger == "" {
		if d := dangerName(t.val, info); d != "" && (!dangerNeedsCall[d] || peekByte(s, j) == '(') {
			f.danger = "SQL " + d + " reached from input"
			f.dangerNamed = namedInProse(s, t.pos, j)
		}
	}
	if info&isClause != 0 {
		f.clause(s, t, j, st)
	}
}

// namedInProse reports whether the danger word at s[pos:end] is only named,
// as a question names it (what is xp_cmdshell for?), or run as a pasted
// statement (can I use SELECT pg_sleep(3) in a test?): not an argument, an
// operand or a call inside an expression.
func namedInProse(s string, pos, end int) bool {
	b := pos
	for b > 0 && s[b-1] == ' ' {
		b--
	}
	if b > 0 && strings.IndexByte("(,=<>+-*/|&", s[b-1]) >= 0 {
		return false // convert(int,@@version), 1=sleep(5)
	}
	if peekByte(s, end) != '(' {
		return true
	}
	return strings.HasSuffix(s[:b], " select") || s[:b] == "select"
}

// clause records what the [sqlClauseWords] word t adds to f.
func (f *sqlFacts) clause(s string, t sqlTok, j int, st *sqlScan) {
	switch t.val {
	case "and", "or", "not":
		st.bools++
	case "select":
		st.selects++
	case "union":
		f.checkUnion(s, j, st.prev, st.first || st.selects == 0)
	}
	switch t.val {
	case "select", "with", "update", "insert", "delete":
		st.startsQuery = st.startsQuery || st.first
	case "or", "and", "xor":
		f.checkTautology(s, j)
	case "having", "where", "when":
		// WHERE 1=1 is a query-builder idiom people ask about; after
		// these words only a value typed right before counts.
		if valueLike(s[:t.pos]) {
			f.checkTautology(s, j)
		}
	}
}

// finish adds the checks that look at the whole text once it is read.
func (f *sqlFacts) finish(s string, st *sqlScan) {
	f.checkQuoteBreakout(s)
	if f.tautology == "" {
		f.tautology = startComparison(s)
	}
	if f.breakout == "" && breakoutQuote(s) >= 0 && endsInComment(s) {
		f.breakout = "quote closed and the rest of the query commented out"
	}
	if f.breakout == "" && (f.words <= 1 && st.ntok < 24 || longContinuation(s)) {
		f.breakout = continuationStart(s)
	}
	if f.breakout == "" {
		f.breakout = openCall(s)
	}
	if f.breakout == "" {
		f.breakout = danglingBoolean(s)
	}
	if f.breakout == "" {
		f.breakout = statementValue(s)
	}
	if f.breakout == "" && len(s) <= 64 {
		f.breakout = listContinuation(s)
	}
	if f.breakout == "" && literalTail(s) {
		f.breakout = "quote closed then more values"
	}
	if t := strings.TrimRight(s, " "); f.breakout == "" && (strings.HasSuffix(t, "(select") ||
		strings.HasSuffix(t, "( select")) {
		f.breakout = "subquery opened at the end of a value"
	}
	if f.breakout == "" && f.words == 0 && st.ntok <= 12 && endsInComment(s) &&
		(strings.ContainsAny(s, "*/+-=<>@") || strings.Contains(s, "select")) {
		f.breakout = "short expression then a comment"
	}
	// A value with no space that closes parentheses it never opened sits
	// inside the application's call: 1))),0x71...,floor.
	closes := st.parens < 0 && strings.IndexByte(s, ' ') < 0
	if f.danger == "" && (f.calls > 0 || st.selects > 0 || closes) {
		if h := longHex(s); h != "" {
			f.danger = "hex-encoded string " + h[:min(len(h), 12)]
		}
	}
	if f.union == "" && strings.Contains(s, "(select") {
		f.valueSubquery(s)
	}
	if f.breakout == "" && st.dotE {
		f.breakout = sciNotationTrick(s)
	}
	if f.union == "" && strings.HasPrefix(strings.TrimLeft(s, " ("), "select ") &&
		strings.TrimLeft(s, " ")[0] == '(' && strings.Contains(s, " from") {
		f.union = "subquery as a value"
	}
	last := st.prev
	if !f.prose() && (st.startsQuery || strings.Contains(s, "select ")) {
		f.completeQuery = st.parens == 0 && quoteBalance(s) &&
			!endsDangling(last.kind, last.val) && strings.Contains(s, " from ")
	}
	if f.words == 0 && (f.sqlWords >= 2 || f.calls >= 1) && st.ntok >= 2 &&
		!f.search(s, st) && strings.ContainsAny(s, "('\"=;#") {
		f.dense = "SQL fragment with no prose around it"
	}
}

// search reports whether the SQL words of s are only the booleans of a
// search box (red and blue or not green), with balanced quotes and nothing
// that compares, calls or ends a statement.
func (f *sqlFacts) search(s string, st *sqlScan) bool {
	return f.sqlWords == st.bools && f.calls == 0 && quoteBalance(s) &&
		!strings.ContainsAny(s, "=(;#")
}

// valueSubquery looks for a subquery typed after a value, as an item of a
// list or after a number.
func (f *sqlFacts) valueSubquery(s string) {
	if k := strings.Index(s, ",(select"); k > 0 && valueLike(s[:k]) {
		f.union = "value then a subquery in a list"
	}
	if k := strings.Index(s, "(select"); f.union == "" && k > 0 && exprOnly(s[:k]) &&
		strings.ContainsAny(s[:k], "0123456789") && !strings.ContainsAny(s[:k], "'\"`") {
		f.union = "number then a subquery"
	}
}

// dangerName returns the [sqlDanger] entry that word is or qualifies
// (information_schema.tables, master..xp_cmdshell), or "".
func dangerName(word string, info uint8) string {
	if info&isDanger != 0 {
		return word
	}
	k := 0 // a loop, not IndexByte: words are short and most have no dot
	for k < len(word) && word[k] != '.' {
		k++
	}
	if k == len(word) {
		return ""
	}
	if k > 0 && sqlDanger[word[:k]] {
		return word[:k]
	}
	if k := strings.LastIndexByte(word, '.'); k > 0 && sqlDanger[word[k+1:]] {
		return word[k+1:]
	}
	return ""
}

func peekByte(s string, i int) byte {
	i = skipSpace(s, i)
	if i < len(s) {
		return s[i]
	}
	return 0
}

// endsDangling reports whether a text ends in the middle of an expression.
func endsDangling(kind byte, val string) bool {
	if kind == 'o' {
		return true
	}
	return kind == 'w' && (val == "where" || val == "and" || val == "or" || val == "from" ||
		val == "select" || val == "union")
}

// stringArgument reports whether the quote at s[i] opens a string that
// closes again before a comma or a closing parenthesis: an argument of a
// call, not a breakout.
func stringArgument(s string, i int) bool {
	end := strings.IndexByte(s[i+1:], s[i])
	if end < 0 {
		return false
	}
	k := skipSpace(s, i+2+end)
	return k < len(s) && (s[k] == ',' || s[k] == ')')
}

// quoteBalance reports whether single and double quotes pair up, not
// counting apostrophes between letters (don't, O'Brien).
func quoteBalance(s string) bool {
	single, double := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			if i > 0 && i+1 < len(s) && isAlpha(s[i-1]) && isAlpha(s[i+1]) {
				continue
			}
			single++
		case '"':
			double++
		}
	}
	return single%2 == 0 && double%2 == 0
}

// checkQuoteBreakout looks at the first quote that is not an apostrophe
// inside a word: typed after a short value (or first, closing a string the
// application opened) and followed by SQL that goes on, it breaks out.
func (f *sqlFacts) checkQuoteBreakout(s string) {
	for i, end := 0, min(len(s), valueEnd(s)); i < end; i++ {
		c := s[i]
		if c != '\'' && c != '"' && c != '`' {
			continue
		}
		if apostrophe(s, i) || c == '`' && strings.Count(s, "`")%2 == 0 {
			continue // don't; `code` in a chat message
		}
		if !valueLike(s[:i]) || c == '"' && i > 0 && isDigit(s[i-1]) && i+1 < len(s) && s[i+1] != c {
			return // a sentence, or an inch mark (15")
		}
		if i > 0 && s[i-1] == '(' && stringArgument(s, i) {
			return // code that passes a query: read_sql("SELECT …", conn)
		}
		if i == 0 && strings.Count(s, s[:1])%2 == 0 && !strings.ContainsAny(s, "#;=") &&
			!strings.Contains(s, "--") && !quotedOperator(s) {
			// Opens a quoted phrase and closes it again ("NOT FOR
			// SALE"), with nothing that ends or compares a query.
			return
		}
		j := i + 1
		for j < len(s) && (s[j] == ')' || s[j] == c || isSpace(s[j]) ||
			s[j] == '`' && strings.IndexByte(s[j+1:], '`') < 0) {
			j++ // a name's closing backtick may follow: "` * 1
		}
		if j < len(s) {
			f.breakout = sqlContinues(s, j)
		}
		if f.breakout == "" && i == 0 && j < len(s) && !quoteBalance(s) &&
			tokensUpTo(s, j, 3) <= 3 {
			// A value that starts by closing the application's string
			// and leaves its own quote open: a keyword right after the
			// quote, with little after it, is SQL ('UNION A, ' or x 9).
			switch w := wordAt(s, j); w {
			case "union", "alter", "drop", "create", "truncate", "or", "and", "xor", "glob":
				f.breakout = "quote closed then SQL " + w + ", string left open"
			}
		}
		return
	}
}

// valueEnd returns the least i for which s[:i] is not [valueLike], or
// len(s)+1 when every prefix is. valueLike accepts white space, one run of
// at most 32 other bytes, and spaces, so the first prefix it refuses ends
// at the 33rd byte of that run or one byte after the spaces that follow
// it; every longer prefix is refused too.
func valueEnd(s string) int {
	sep := func(c byte) bool { return c == ' ' || c == '\n' || c == '\t' }
	a := 0
	for a < len(s) && sep(s[a]) {
		a++
	}
	b := a
	for b < len(s) && b-a <= 32 && !sep(s[b]) {
		b++
	}
	if b-a > 32 {
		return a + 33
	}
	c := b
	for c < len(s) && s[c] == ' ' {
		c++
	}
	return c + 1
}

// quotedOperator reports whether s is nothing but SQL operators between a
// pair of quotes (' REGEXP ', '<<'): quote, operator, quote.
func quotedOperator(s string) bool {
	t := strings.TrimSpace(s)
	if len(t) < 3 || t[len(t)-1] != t[0] {
		return false
	}
	inner := t[1 : len(t)-1]
	for i := 0; i < len(inner); {
		tok, j, ok := nextSQLTok(inner, i)
		if !ok {
			break
		}
		if tok.kind == 'w' && !sqlKeywords[tok.val] || tok.kind == 's' {
			return false
		}
		i = j
	}
	return strings.TrimSpace(inner) != ""
}

// sqlContinues returns an explanation when s[j:] continues a SQL statement
// (a keyword with the operand it needs, a comment, a statement separator,
// a comparison), or "" when it reads as anything else.
func sqlContinues(s string, j int) string {
	w := wordAt(s, j)
	if t, k, _ := nextSQLTok(s, j); bareNumber(t) && k < len(s) && k == t.pos+len(t.val) &&
		strings.IndexByte("*+-/%=<>", s[k]) >= 0 {
		// "2562*23: a number typed after the quote, computed on.
		if d := operatorBreakout(s, k); d != "" {
			return d
		}
	}
	if w == "" {
		switch {
		case strings.HasPrefix(s[j:], "--"), strings.HasPrefix(s[j:], "/*"),
			s[j] == '#' && (j+1 == len(s) || isSpace(s[j+1]) || s[j+1] == '#'):
			return "quote closed then comment"
		case s[j] == '(' && strings.HasPrefix(strings.TrimLeft(s[j+1:], " ("), "select"):
			return "quote closed then subquery"
		case s[j] == ';':
			if t, _, ok := nextSQLTok(s, j+1); !ok || (t.kind == 'w' && (sqlKeywords[t.val] ||
				stackedNext[t.val] != "" || t.val == "print")) ||
				strings.HasPrefix(s[j+1:], "--") {
				return "quote closed then ;"
			}
		case strings.HasPrefix(s[j:], "||"), strings.HasPrefix(s[j:], "&&"):
			return "quote closed then " + s[j:j+2]
		case strings.IndexByte("=<>!^|&*/%+-~", s[j]) >= 0:
			return operatorBreakout(s, j)
		}
		return ""
	}
	next, _, ok := nextSQLTok(s, j+len(w))
	operand := ok && (next.kind == 'n' || next.kind == 's' || next.val == "(" ||
		next.val == "not" || next.val == "-" || next.val == "!" || next.val == "@" ||
		next.kind == 'w' && (sqlFuncs[next.val] || sqlDanger[next.val] ||
			peekByte(s, next.pos+len(next.val)) == '('))
	switch w {
	case "mod":
		// ' MOD ': arithmetic on the closed string and one the application
		// closes. "MOD" " is a phrase search, as double quotes are in shop
		// search boxes, and 'MOD' for ... it's a word in quotes.
		if (next.open || bareNumber(next)) && strings.IndexByte(s[:j], '"') < 0 {
			return "quote closed then SQL mod"
		}
	case "or", "and", "xor", "div", "like", "rlike", "regexp", "having", "where", "when":
		if !ok || operand || next.kind == 'w' && comparisonFollows(s, next) {
			return "quote closed then SQL " + w
		}
	case "union":
		if ok && (next.val == "select" || next.val == "all" || next.val == "distinct" ||
			next.val == "(") {
			return "quote closed then UNION"
		}
	case "select", "waitfor", "procedure", "exec", "execute", "declare", "drop", "insert",
		"update", "delete", "limit", "offset", "collate":
		if !ok || operand || next.val == "*" || next.kind == 'w' {
			return "quote closed then SQL " + w
		}
	case "order", "group":
		if ok && next.val == "by" {
			return "quote closed then SQL " + w + " by"
		}
	case "into":
		if ok && (next.val == "outfile" || next.val == "dumpfile" || strings.HasPrefix(next.val, "@")) {
			return "quote closed then INTO " + next.val
		}
	case "is":
		if ok && next.val == "not" {
			next, _, ok = nextSQLTok(s, next.pos+3)
		}
		if ok && (next.val == "null" || next.val == "true" || next.val == "false" ||
			next.val == "unknown" || next.val == `\n` || bareNumber(next)) {
			return "quote closed then SQL " + w
		}
	case "not", "sounds":
		if ok && (next.val == "like" || next.val == "regexp" || next.val == "rlike" ||
			next.val == "in" || next.val == "between" || next.val == "exists") {
			return "quote closed then SQL " + w + " " + next.val
		}
		if ok && operand && next.val != "not" {
			return "quote closed then SQL " + w
		}
	case "in", "between":
		if ok && operand && next.val != "not" {
			return "quote closed then SQL " + w
		}
	default:
		if (sqlFuncs[w] || sqlDanger[w]) && ok && next.val == "(" {
			return "quote closed then SQL function " + w
		}
	}
	return ""
}

// operatorBreakout returns an explanation when the operator at s[j], right
// after a closing quote, is applied to a SQL operand: ' = !!'0, '^0+0='0,
// '*@a. Markup (">") and inch marks before words (15"+laptop) do not count.
func operatorBreakout(s string, j int) string {
	if s[j] == '>' && strings.Contains(s[j:min(len(s), j+3)], "<") {
		return ""
	}
	if s[j] == '-' && strings.HasPrefix(s[j:], "->") {
		return ""
	}
	k := j + 1
	for k < len(s) && strings.IndexByte("=!+-~<>| ", s[k]) >= 0 {
		k++ // more operators, unary signs
	}
	t, _, ok := nextSQLTok(s, k)
	if !ok {
		return ""
	}
	if t.kind == 's' && s[t.pos] != s[j-1] && s[j-1] != ' ' {
		return "" // a different quote opens a phrase: '-"8 track"
	}
	if t.kind == 's' && s[t.pos] == '"' && (s[j] == '&' || s[j] == '-' || s[j] == '+') {
		return "" // "red" & "blue": a search for two phrases
	}
	if t.kind == 'w' && endsInComment(s) {
		return "quote closed then operator " + s[j:j+1] + " and a comment"
	}
	if t.kind == 's' || bareNumber(t) || t.val == "(" || t.kind == 'w' && (t.val[0] == '@' ||
		sqlKeywords[t.val] || sqlFuncs[t.val] || sqlDanger[t.val]) {
		return "quote closed then operator " + s[j:j+1]
	}
	return ""
}

// comparisonFollows reports whether the word token t is followed by a
// comparison operator: or x=1, and name like.
func comparisonFollows(s string, t sqlTok) bool {
	op, _, ok := nextSQLTok(s, t.pos+len(t.val))
	return ok && (op.kind == 'o' && strings.ContainsAny(op.val, "=<>!") ||
		op.val == "like" || op.val == "is" || op.val == "in" || op.val == "regexp" ||
		op.val == "glob")
}

// checkTautology looks after a boolean operator for a comparison of two
// literals (1=1, 'a'='a', 2>1) or a bare truth value: a condition that
// holds for every row.
func (f *sqlFacts) checkTautology(s string, i int) {
	if f.tautology != "" {
		return
	}
	afterValue := valueLike(s[:max(0, i-4)])
	f.literalTautology(s, i, afterValue)
	if f.tautology == "" && afterValue {
		if op, _, ok := constComparison(s, i); ok {
			f.tautology = "boolean operator then constant comparison " + op
		}
	}
}

// literalTautology is the token-level part of [sqlFacts.checkTautology]:
// a literal compared with a literal, a truth value, a bare number.
// afterValue reports that only a short value precedes the operator.
func (f *sqlFacts) literalTautology(s string, i int, afterValue bool) {
	a, j, ok := nextSQLTok(s, i)
	if !ok {
		return
	}
	if a.kind == 'w' && (a.val == "true" || a.val == "false") && afterValue {
		f.tautology = "always-true condition " + a.val
		return
	}
	if a.kind == 'o' && (a.val == "-" || a.val == "+" || a.val == "!" || a.val == "~") ||
		a.val == "not" && afterValue {
		a, j, ok = nextSQLTok(s, j)
		if !ok {
			return
		}
	}
	if a.val == "{" && afterValue && odbcEscape(s, j) {
		f.tautology = "boolean operator then ODBC escape {"
		return
	}
	if a.val == "select" && afterValue && strings.Contains(s[j:], " from ") {
		f.tautology = "boolean operator then SELECT"
		return
	}
	if afterValue && a.kind == 'w' && callsSubquery(s, a, j) {
		f.tautology = "boolean operator then " + a.val + "() on a subquery"
		return
	}
	if a.kind == 'p' && a.val == "(" {
		a, j, ok = nextSQLTok(s, j)
		if !ok {
			return
		}
		if a.val == "select" && strings.Contains(s[j:], " from") {
			f.tautology = "boolean operator then subquery"
			return
		}
	}
	op, k, ok := nextSQLTok(s, j)
	if !ok {
		return
	}
	opWord := op.kind == 'w' && (op.val == "like" || op.val == "is" || op.val == "rlike" ||
		op.val == "regexp" || op.val == "between" || op.val == "in")
	compare := op.kind == 'o' && strings.ContainsAny(op.val, "=<>")
	if !compare && !opWord {
		cut := op.val == "-" && skipSpace(s, k) == len(s) // or 1-: a comment cut short
		if bareNumber(a) && afterValue && (op.val == ")" || op.val == "--" || op.val == "#" ||
			op.val == ";" || cut) {
			f.tautology = "boolean operator then bare number " + a.val
		}
		if a.kind == 's' && afterValue && stringArithmetic(s, op, k) {
			f.tautology = "boolean operator then arithmetic on strings " + op.val
		}
		return
	}
	b, _, ok := nextSQLTok(s, k)
	if !ok {
		return
	}
	if op.val == "like" && b.kind == 's' && b.val != "" && strings.Trim(b.val, "%") == "" &&
		afterValue {
		f.tautology = "LIKE '%' holds for every row"
		return
	}
	lit := func(t sqlTok) bool { return bareNumber(t) || hexNumber(t) || t.kind == 's' }
	equality := op.val == "=" || op.val == "<>" || op.val == "!=" || op.val == "==" || opWord
	if lit(a) && lit(b) && (equality || afterValue) {
		f.tautology = "literal comparison " + a.val + op.val + b.val
	} else if lit(a) && afterValue && b.val == "(" && wordAt(s, skipSpace(s, b.pos+1)) == "select" {
		f.tautology = "literal compared with a subquery"
	} else if a.kind == 'w' && b.kind == 'w' && a.val == b.val && !sqlKeywords[a.val] {
		f.tautology = "self comparison " + a.val + op.val + b.val
	}
}

// longHex returns the first hexadecimal literal of 8 or more digits in s
// (0x7461626c65), or "". It jumps from one "0x" to the next.
func longHex(s string) string {
	for i := 0; i+9 < len(s); i++ {
		k := strings.Index(s[i:len(s)-8], "0x")
		if k < 0 {
			break
		}
		if i += k; i > 0 && isWordByte(s[i-1]) {
			continue
		}
		j := i + 2
		for j < len(s) && (isDigit(s[j]) || 'a' <= s[j] && s[j] <= 'f') {
			j++
		}
		if j-i-2 >= 8 {
			return s[i:j]
		}
		i = j
	}
	return ""
}

// strictSQLSignal scores what only strict context counts: an unbalanced
// quote, a comment marker or a boolean operator inside what should be a
// plain identifier or number.
func strictSQLSignal(s string) (float64, string) {
	switch {
	case !quoteBalance(s):
		return 0.4, "unbalanced quote"
	case strings.Contains(s, "--") || strings.Contains(s, "/*") || strings.Contains(s, "#"):
		return 0.35, "SQL comment marker"
	}
	for _, w := range []string{" or ", " and ", " xor ", "||", "&&"} {
		if strings.Contains(s, w) && strings.ContainsAny(s, "0123456789'\"=") {
			return 0.35, "boolean operator in a value"
		}
	}
	switch wordAt(s, skipSpace(s, 0)) {
	case "select", "insert", "update", "delete", "drop", "union", "exec", "execute",
		"create", "alter", "truncate", "declare", "shutdown", "grant":
		return 0.4, "a value that is a SQL statement"
	}
	return 0, ""
}

// endsInComment reports whether s ends with a SQL line comment (-- or #
// followed by at most a few characters).
func endsInComment(s string) bool {
	t := strings.TrimRight(s, " ")
	k := max(strings.LastIndex(t, "--"), strings.LastIndexByte(t, '#'))
	return k > 0 && len(t)-k <= 6
}

// continuations are SQL words that can only continue a statement, never
// start one.
var continuations = wordSet(`or and xor in like between having union from where limit
	as when then procedure`)

// continuationStart returns an explanation when the value (after an
// optional name=) starts in the middle of a statement: a closing
// parenthesis, or a continuation word, followed by SQL syntax
// (pay=AND 1=(, ) AS role FROM, in (1,2)).
func continuationStart(s string) string {
	if k := strings.IndexByte(s, '='); k > 0 && k < 24 && !strings.ContainsAny(s[:k], " '\"()") {
		s = s[k+1:]
	}
	t, j, ok := nextSQLTok(s, 0)
	if !ok {
		return ""
	}
	if t.kind == 's' && strings.Count(s, s[t.pos:t.pos+1])%2 == 1 || bareNumber(t) {
		// ` AS `x` from: the first quote closes a name; 1234 AS x FROM.
		if t.kind == 's' {
			j = t.pos + 1
		}
		if t, j, ok = nextSQLTok(s, j); !ok || t.val != "as" {
			return ""
		}
		return clauseAfterName(s, j, "as", true)
	}
	closing := t.val == ")"
	if closing {
		if t, j, ok = nextSQLTok(s, j); !ok {
			return ""
		}
	}
	if t.kind == 'o' && (t.val == "||" || t.val == "&&") {
		t.kind, t.val = 'w', "or"
	}
	if t.kind != 'w' || !continuations[t.val] {
		return ""
	}
	// Look a few tokens on for SQL syntax: a comparison or a parenthesis,
	// and after a boolean word also a quote or another statement word.
	boolean := t.val == "or" || t.val == "and" || t.val == "xor" || t.val == "union"
	if d := clauseAfterName(s, j, t.val, closing); d != "" {
		return d
	}
	if boolean && t.val != "union" {
		if u, k, ok := nextSQLTok(s, j); ok && bareNumber(u) && skipSpace(s, k) == len(s) {
			return "value starts mid-statement with " + t.val + " " + u.val
		}
	}
	for n := 0; n < 4; n++ {
		u, k, ok := nextSQLTok(s, j)
		if !ok {
			break
		}
		syntax := u.val == "(" || u.kind == 'o' && strings.ContainsAny(u.val, "=<>!?@~")
		if boolean {
			syntax = syntax || u.kind == 's' || u.val == "select" || u.val == "all"
		}
		if syntax {
			if closing {
				return "value closes a parenthesis then SQL " + t.val
			}
			return "value starts mid-statement with " + t.val
		}
		if u.kind == 'w' && !sqlKeywords[u.val] && n > 0 {
			break // prose: "where is texas"
		}
		j = k
	}
	return ""
}

// danglingBoolean returns an explanation when s is one value followed by
// AND, OR or XOR and nothing more (pay=/3 or , x_R AND (): the application's
// query supplies the other operand. The value must hold a digit or a
// punctuation mark of IDs and paths; a plain word before "or" is prose.
func danglingBoolean(s string) string {
	t := strings.TrimRight(s, " (")
	sp := strings.LastIndexByte(t, ' ')
	if sp <= 0 || len(t) > 64 || strings.HasSuffix(s, "((") {
		return ""
	}
	switch w := t[sp+1:]; w {
	case "and", "or", "xor":
		head := strings.TrimSpace(t[:sp])
		if k := strings.IndexByte(head, '='); k > 0 && k < 24 {
			head = head[k+1:]
		}
		if head == "" || strings.ContainsAny(head, " '\"") ||
			!strings.ContainsAny(head, "0123456789/_.=-") {
			return "" // "tea or": a word, not a value
		}
		return "value then a dangling " + w
	}
	return ""
}

// longContinuation reports whether s, though long or wordy, may be read by
// [continuationStart]: it starts with a field name, a closing character
// or FROM/IN, and its first tokens are not prose.
func longContinuation(s string) bool {
	f := fieldName(s)
	t := strings.TrimLeft(s[f:], " ")
	if t == "" {
		return false
	}
	w := wordAt(t, 0)
	numberAs := isDigit(t[0]) && wordAt(t, skipSpace(t, len(w))) == "as" // 1234 AS x FROM
	return (f > 0 || !isAlpha(t[0]) && !isDigit(t[0]) || w == "from" || w == "in" || numberAs) &&
		fewWords(t, 3, 1)
}

// statementValue returns an explanation when the value (after a field name)
// is a statement that runs code or changes the schema: one typed after a
// semicolon (;drop, pay=;truncate), or EXEC, EXECUTE, DECLARE or SET with
// the variable or procedure it needs (exec (@, declare @b, set @x).
func statementValue(s string) string {
	t := strings.TrimLeft(s[fieldName(s):], " >")
	semi := strings.HasPrefix(t, ";")
	t = strings.TrimLeft(t, " ;")
	w := wordAt(t, 0)
	want, known := stackedNext[w]
	if !known || w == "select" || w == "update" || w == "call" || w == "copy" || w == "load" {
		return ""
	}
	n, _, ok := nextSQLTok(t, len(w))
	ok = ok && n.val != "" // an empty string token has no first byte
	switch {
	case semi && (!ok || n.val == "[" || stackedFollows(want, n)): // [name]: T-SQL quoting
		return "value is a stacked statement ; " + w
	case ok && want != "" && want != "*" && strings.HasSuffix(strings.TrimRight(t, " "), ";--"):
		return "value is a statement " + w + " ended by ;--"
	case ok && (w == "exec" || w == "execute" || w == "declare" || w == "set") && want != "" &&
		want != "*" && (n.val[0] == '@' || n.val == "(" || stackedFollows(want, n)) &&
		(w != "set" || n.val[0] == '@'):
		return "value is a statement " + w + " " + n.val
	}
	return ""
}

// tokensUpTo counts the tokens of s from i, stopping after limit+1.
func tokensUpTo(s string, i, limit int) int {
	n := 0
	for ; n <= limit; n++ {
		_, j, ok := nextSQLTok(s, i)
		if !ok {
			break
		}
		i = j
	}
	return n
}

// literalTail reports whether s is a string literal followed by more
// literals in a list that ends with a number (', 2, 1 or 'abc', 0x1a): the
// rest of a VALUES row or a column list typed after a closed string. A list
// of quoted words has no number and does not count.
func literalTail(s string) bool {
	commas, last, start, first := 0, sqlTok{}, 0, 0
	if s != "" && (s[0] == '\'' || s[0] == '"') && strings.Count(s, s[:1])%2 == 1 {
		start, first = 1, 1 // the first quote closes the application's string
	}
	for i, n := start, first; ; n++ {
		t, j, ok := nextSQLTok(s, i)
		if !ok {
			break
		}
		switch {
		case n == 0 && t.kind != 's', n > 24:
			return false
		case t.val == ",":
			commas++
		case t.kind != 's' && t.kind != 'n':
			return false
		}
		last, i = t, j
	}
	return commas > 0 && last.kind == 'n'
}

// fewWords reports whether the first n tokens of s hold at most max prose
// words (not SQL words, not called, not @variables or quoted names).
func fewWords(s string, n, most int) bool {
	words := 0
	for i := 0; n > 0; n-- {
		t, j, ok := nextSQLTok(s, i)
		if !ok {
			break
		}
		if t.kind == 'w' && len(t.val) > 1 && t.val[0] != '@' &&
			sqlWordInfo(t.val)&sqlWordKinds == 0 && peekByte(s, j) != '(' {
			words++
		}
		i = j
	}
	return words <= most
}

// clauseAfterName returns an explanation when the continuation word w,
// which ends at s[j], is followed by one name and the clause that goes on
// from it: ) AS role FROM, ` AS `x` from, FROM t GROUP BY, FROM a_b WHERE,
// ) WHEN 2 THEN.
func clauseAfterName(s string, j int, w string, closing bool) string {
	name, k, ok := nextSQLTok(s, j)
	if !ok || name.kind != 'w' && name.kind != 's' && name.kind != 'n' {
		return ""
	}
	next, k2, ok := nextSQLTok(s, k)
	for n := 0; ok && next.val == "." && n < 3; n++ {
		// a qualified name: `db`.`table`
		if _, k, ok = nextSQLTok(s, k2); ok {
			next, k2, ok = nextSQLTok(s, k)
		}
	}
	if !ok {
		return ""
	}
	codeName := name.kind == 's' || strings.ContainsAny(name.val, "_.$0123456789")
	switch {
	case w == "as" && next.val == "from" && (closing || s[0] == '`' || s[0] == '"' ||
		s[0] == '\'' || isDigit(s[0])):
		return "value closes then AS " + name.val + " FROM"
	case w == "when" && next.val == "then" && name.kind != 'w':
		return "value closes then WHEN ... THEN"
	case w == "from" && (next.val == "where" && codeName || next.val == "limit" ||
		(next.val == "group" || next.val == "order") && wordAt(s, skipSpace(s, k2)) == "by"):
		return "value starts mid-statement with FROM " + name.val + " " + next.val
	}
	return ""
}

// startComparison returns an explanation when s (after an optional
// name= or /path/ prefix) opens with a comparison of two constants ('1'='1,
// 1!=11, '{"b":2}'::jsonb @> '{}'), a value that is itself a condition.
// Plain number orderings (3 < 5) and arithmetic without a quote or a
// ::type cast read as maths and do not count.
func startComparison(s string) string {
	i := fieldName(s)
	op, cast, ok := constComparison(s, i)
	if !ok {
		// '[1]'::jsonb - 1: a whole value computed from typed literals.
		if j, cast, ok := constExpr(s, i, 0); ok && cast && skipSpace(s, j) == len(s) &&
			strings.ContainsAny(s[i:j], "+-*/%|") {
			return "value is a typed constant expression"
		}
		return ""
	}
	quoted := strings.ContainsAny(s, "'\"`")
	if i > 0 && !cast && !quoted {
		return "" // size=1=5: numbers after a field name
	}
	if !cast && !quoted {
		j, _, _ := constOperand(s, i, 0)
		o, k := compareOpAt(s, j)
		e, _, _ := constOperand(s, k, 0)
		if o == "" || strings.IndexByte("<>?", o[0]) >= 0 && o != "<=>" && o != "<>" ||
			skipSpace(s, e) < len(s) && strings.IndexByte("+-*/%", s[skipSpace(s, e)]) >= 0 {
			return ""
		}
	}
	return "value compares constants with " + op
}

// fieldName returns the length of a leading field name and its = (q=,
// /get/payload=), or 0.
func fieldName(s string) int {
	k := strings.IndexByte(s, '=')
	if k <= 0 || k >= 40 || !isAlpha(s[0]) && s[0] != '/' {
		return 0
	}
	for i := 0; i < k; i++ {
		if !isWordByte(s[i]) && strings.IndexByte("/.-[]", s[i]) < 0 {
			return 0
		}
	}
	return k + 1
}

// bareNumber reports whether t is a plain decimal number (not 1990s, 4wd).
func bareNumber(t sqlTok) bool {
	if t.kind != 'n' {
		return false
	}
	e := strings.IndexByte(t.val, 'e') // 9e7: a float with an exponent
	for i := 0; i < len(t.val); i++ {
		if !isDigit(t.val[i]) && t.val[i] != '.' && (i != e || i == 0 || i == len(t.val)-1) {
			return false
		}
	}
	return true
}

// checkUnion looks for UNION [ALL|DISTINCT] SELECT that follows a value
// rather than a complete query, with SQL around it: a value closed before
// UNION ([unionBreakout]), or a select list that is SQL ([literalList],
// [selectListSQL]). Between English words ("the students union select a
// new president") it is only [sqlFacts.proseUnion].
func (f *sqlFacts) checkUnion(s string, j int, prev sqlTok, first bool) {
	t, k, ok := nextSQLTok(s, j)
	if !ok && prev.kind != 'w' && exprOnly(s[:prev.pos+len(prev.val)]) {
		f.union = "value then UNION at the end"
		return
	}
	if ok && t.kind == 'w' && (t.val == "all" || t.val == "distinct" || t.val == "distinctrow") {
		t, k, ok = nextSQLTok(s, k)
	}
	for n := 0; ok && t.kind == 'p' && t.val == "(" && n < 4; n++ {
		t, k, ok = nextSQLTok(s, k)
	}
	if !ok || t.kind != 'w' || t.val != "select" {
		return
	}
	lits := literalList(s, k)
	if !lits && !first && !valueLike(s[:prev.pos+len(prev.val)]) {
		return
	}
	if lits || unionBreakout(prev) || selectListSQL(s, k) {
		f.union = "UNION SELECT after a value"
	} else {
		f.proseUnion = "UNION SELECT between words"
	}
}

// exprOnly reports whether s is a short expression of literals and
// operators with no words (-1, 0x1 - 1/1, 'a'): a value.
func exprOnly(s string) bool {
	n := 0
	for i := 0; ; n++ {
		t, j, ok := nextSQLTok(s, i)
		if !ok {
			break
		}
		if n >= 8 || t.kind == 'w' && t.val[0] != '@' {
			return false
		}
		i = j
	}
	return n > 0
}

// stackedNext lists, per statement keyword, the words that must follow it
// for a second statement to be real SQL; "*" accepts anything.
var stackedNext = map[string]string{
	"drop":   "table database procedure function user view trigger index schema",
	"delete": "from", "insert": "into", "update": "*", "exec": "@ ( xp_ sp_ master",
	"execute": "@ ( xp_ sp_ master immediate", "shutdown": "", "declare": "@",
	"create": "table user procedure function database login view trigger or",
	"alter":  "table user database login", "truncate": "table", "select": "*",
	"waitfor": "delay time", "set": "@", "grant": "all select", "call": "*",
	"copy": "( from to", "load": "data xml", "do": "(",
}

// literalList reports whether the select list starting at s[i] is made of
// literals (NULL, numbers, @variables, hex strings), the probe an attacker
// uses to match a query's column count.
func literalList(s string, i int) bool {
	lits, others := 0, 0
	for n := 0; n < 24; n++ {
		t, j, ok := nextSQLTok(s, i)
		if !ok || t.val == "from" {
			break
		}
		switch {
		case t.kind == 'n' || t.val == "null" || t.kind == 'w' && t.val[0] == '@':
			lits++
		case t.kind == 'w':
			others++
		}
		i = j
	}
	return lits >= 2 && lits > others
}

// checkStacked looks for a second statement after a semicolon.
func (f *sqlFacts) checkStacked(s string, j int, prev sqlTok, first bool) {
	t, k, ok := nextSQLTok(s, j)
	if !ok || t.kind != 'w' {
		return
	}
	want, known := stackedNext[t.val]
	if !known {
		return
	}
	n, _, ok := nextSQLTok(s, k)
	if !ok && want != "" || ok && !stackedFollows(want, n) {
		return
	}
	if first || prev.kind == 'n' || prev.kind == 's' || prev.val == ")" ||
		valueLike(s[:prev.pos+len(prev.val)]) {
		f.stacked = "stacked statement ; " + t.val
	}
}

// stackedFollows reports whether token n starts with one of the words in
// want (space-separated prefixes; "*" matches any token).
func stackedFollows(want string, n sqlTok) bool {
	if want == "*" || want == "" && (n.val == "--" || n.val == ";" || n.val == "#") {
		return true
	}
	for _, w := range strings.Fields(want) {
		if strings.HasPrefix(n.val, w) {
			return true
		}
	}
	return false
}

// sqlCallNames are SQL function and statement names that a value may open
// a call of and leave for the application's query to close: time(, pi(.
var sqlCallNames = wordSet(`pi pow power log ln exp time date year month day hour minute
	second quarter week rtrim ltrim trim format strcmp xmltype db_name user_name insert
	execute exec length len password user encode decode version if iif substring substr
	mid ascii ord char chr concat count sleep benchmark md5 sha1 rand floor hex unhex
	now sysdate convert cast left right replace reverse repeat instr locate position
	coalesce ifnull nullif isnull least greatest elt field find_in_set load_file database
	schema current_user system_user session_user extractvalue updatexml`)

// openCall returns an explanation when the whole short value ends in an
// opened call of a SQL function (time(, length&&(, md5\(): the application's
// query supplies the rest.
func openCall(s string) string {
	t := strings.TrimRight(s, " ")
	if len(t) < 2 || len(t) > 32 || t[len(t)-1] != '(' {
		return ""
	}
	k := len(t) - 1
	for k > 0 && strings.IndexByte(" ?/\\&|!$=].'", t[k-1]) >= 0 {
		k--
	}
	j := k
	for j > 0 && isWordByte(t[j-1]) {
		j--
	}
	if strings.Count(t[:j], " ") > 0 || !sqlCallNames[t[j:k]] {
		return ""
	}
	return "value opens a call of " + t[j:k]
}

// sqlCompareOps are the comparison, JSON and concatenation operators of the
// SQL dialects, longest first so a prefix match takes the whole operator.
// A lone @ (PostgreSQL's old "contained in") counts between typed literals only.
var sqlCompareOps = []string{"<=>", "->>", "#>>", "@>", "<@", "@?", "@@", "?|", "?&", "->",
	"#>", "#-", "||", "!=", "<>", "==", "<=", ">=", "=", "<", ">", "?", "@"}

// constOperand reads a constant operand at s[i:]: a literal (after unary
// signs), a parenthesised constant expression, a function applied to
// constants, or array[...], each with an optional ::type cast. It returns
// the index after the operand and whether it carried a cast. A string left
// open runs to the end: the application closes it.
func constOperand(s string, i, depth int) (end int, cast, ok bool) {
	t, j, ok := nextSQLTok(s, i)
	for ok && t.kind == 'o' && (t.val == "-" || t.val == "+" || t.val == "~" || t.val == "!") {
		t, j, ok = nextSQLTok(s, j)
	}
	if !ok || depth > 4 {
		return i, false, false
	}
	switch {
	case t.kind == 's', bareNumber(t), hexNumber(t), t.val == "null", t.val == "true",
		t.val == "false":
	case t.val == "(":
		k, c, ok := constExpr(s, j, depth+1)
		if !ok || peekByte(s, k) != ')' {
			return i, false, false
		}
		j, cast = skipSpace(s, k)+1, c
	case t.val == "array" && peekByte(s, j) == '[':
		k := strings.IndexByte(s[j:], ']')
		if k < 0 {
			return i, false, false
		}
		j += k + 1
	case t.kind == 'w' && peekByte(s, j) == '(':
		j = skipSpace(s, j) + 1
		for {
			k, c, ok := constExpr(s, j, depth+1)
			if !ok {
				return i, false, false
			}
			cast = cast || c
			j = skipSpace(s, k)
			if j < len(s) && s[j] == ',' {
				j++
				continue
			}
			if j < len(s) && s[j] == ')' {
				j++
				break
			}
			return i, false, false
		}
	default:
		return i, false, false
	}
	if k := skipSpace(s, j); strings.HasPrefix(s[k:], "::") {
		w := wordAt(s, k+2)
		if w == "" {
			return i, false, false
		}
		j, cast = k+2+len(w), true
	}
	return j, cast, true
}

// constExpr reads constant operands joined by arithmetic operators.
func constExpr(s string, i, depth int) (end int, cast, ok bool) {
	j, cast, ok := constOperand(s, i, depth)
	for ok {
		k := skipSpace(s, j)
		if k >= len(s) || strings.IndexByte("+-*/%", s[k]) < 0 || strings.HasPrefix(s[k:], "--") ||
			strings.HasPrefix(s[k:], "/*") || strings.HasPrefix(s[k:], "->") {
			break
		}
		e, c, more := constOperand(s, k+1, depth)
		if !more {
			break
		}
		j, cast = e, cast || c
	}
	return j, cast, ok
}

// compareOpAt returns the comparison operator at s[i:] (after spaces),
// including LIKE, IS [NOT] and the JSON operators, and the index after it.
func compareOpAt(s string, i int) (string, int) {
	i = skipSpace(s, i)
	for _, op := range sqlCompareOps {
		if strings.HasPrefix(s[i:], op) {
			return op, i + len(op)
		}
	}
	switch w := wordAt(s, i); w {
	case "like", "rlike", "regexp", "glob", "is":
		j := i + len(w)
		if w == "is" && wordAt(s, skipSpace(s, j)) == "not" {
			j = skipSpace(s, j) + 3
		}
		return w, j
	}
	return "", i
}

// constComparison reports whether s[i:] starts with two constant
// expressions joined by a comparison ('{"b":2}'::jsonb @> '{}', 1+2=3+4,
// json_extract('{}', '$.a') = 'x'): a condition whose value the input
// alone decides. cast reports whether a ::type cast took part.
func constComparison(s string, i int) (op string, cast, ok bool) {
	j, c1, ok := constExpr(s, i, 0)
	if !ok {
		return "", false, false
	}
	op, k := compareOpAt(s, j)
	if op == "" {
		return "", false, false
	}
	_, c2, ok := constExpr(s, k, 0)
	cast = c1 || c2
	return op, cast, ok && (op != "@" || cast)
}

// sqlEvasion scores what only a filter evasion writes: comments glued
// between words in place of spaces (SELECT/**/x, DROP/*c*/t), MySQL
// executable comments that hold a query fragment (/*!50000union*/), a short
// expression cut by a comment that never closes (1 /*), strings built from
// character codes (CHAR(58)+CHAR(118)+...), and casts that make the
// database report a value in an error (password::int) when the cast ends
// a single expression (no space outside parentheses before it). low is
// the lower-cased text with comments, sql its comment-free form.
func sqlEvasion(low, sql string) (float64, string) {
	var h hit
	if k := indexPair(low, '/', '*'); k >= 0 {
		h.see(executableComment(low))
		glued, keyword := gluedComments(low)
		switch {
		case glued >= 2:
			h.see(0.8, "comments used as spaces")
		case glued == 1 && keyword:
			h.see(0.75, "comment glued to a SQL keyword")
		}
		if k > 0 && !strings.HasPrefix(low[k:], "/*!") &&
			!strings.Contains(low[k:], "*/") && exprOnly(low[:k]) && len(low[:k]) <= 24 {
			h.see(0.75, "short expression then an unclosed comment")
		}
	}
	if charCalls(sql) >= 3 {
		h.see(0.8, "string built from character codes")
	}
	if len(sql) <= 96 {
		h.see(bareCast(sql))
	}
	return h.score, h.detail
}

// bareCast scores a ::type cast that ends a single expression (no space
// outside parentheses before it) in the short value sql.
func bareCast(sql string) (float64, string) {
	k := strings.Index(sql, "::")
	if k <= 0 {
		return 0, ""
	}
	head, typ := sql[:k], wordAt(sql, k+2)
	depth, spaced := 0, false
	for i := 0; i < len(head); i++ {
		switch head[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ' ':
			spaced = spaced || depth == 0
		}
	}
	if !spaced && typ != "" &&
		(strings.Contains(head, "(") || typ == "int" || typ == "integer" || typ == "numeric") {
		return 0.75, "bare expression cast to " + typ
	}
	return 0, ""
}

// charCalls counts the calls char( and chr( in s, finding them from their
// parentheses, which are rarer than the letters.
func charCalls(s string) int {
	n := 0
	for i := strings.IndexByte(s, '('); i >= 0; {
		if strings.HasSuffix(s[:i], "char") || strings.HasSuffix(s[:i], "chr") {
			n++
		}
		k := strings.IndexByte(s[i+1:], '(')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return n
}

// gluedComments counts /* */ comments with a word or parenthesis directly
// on both sides (SELECT/**/x, name/**/(), and reports whether one of them
// touches a SQL keyword. Optimizer hints (/*+) and MySQL version comments
// (/*!) do not count.
func gluedComments(s string) (n int, keyword bool) {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '/' || s[i+1] != '*' {
			continue
		}
		end := strings.Index(s[i+2:], "*/")
		if end < 0 {
			break // nothing closes after here: stop, which keeps this linear
		}
		e := i + 2 + end + 2
		body := s[i+2 : i+2+end]
		if i > 0 && e < len(s) && !strings.HasPrefix(body, "+") && !strings.HasPrefix(body, "!") &&
			(isWordByte(s[i-1]) || strings.IndexByte("()'", s[i-1]) >= 0) &&
			(isWordByte(s[e]) || strings.IndexByte("()',", s[e]) >= 0) {
			n++
			b := i
			for b > 0 && isWordByte(s[b-1]) {
				b--
			}
			keyword = keyword || sqlKeywords[s[b:i]] || sqlKeywords[wordAt(s, e)] ||
				stackedNext[s[b:i]] != "" || stackedNext[wordAt(s, e)] != ""
		}
		i = e - 1
	}
	return n, keyword
}

// lineComments returns s without the -- and # comments that end at a line
// break inside it (1--x\nAND, union#x\nselect): the statement goes on on
// the next line, and the comment only splits it for a filter. s comes back
// unchanged, without copying, when it has no such comment.
func lineComments(s string) string {
	if strings.IndexByte(s, '\n') < 0 || !strings.ContainsAny(s, "-#") {
		return s
	}
	var b []byte
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '#' && !(s[i] == '-' && i+1 < len(s) && s[i+1] == '-') {
			continue
		}
		nl := strings.IndexByte(s[i:], '\n')
		if nl < 0 {
			break // no line break after here: nothing more to remove
		}
		b = append(b, s[last:i]...)
		b = append(b, ' ')
		i += nl
		last = i + 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

// formSpaces returns s with + read as a space when s is a form-encoded
// value (no space, two or more +) that holds a quote: 24'union+all+select+1.
// Sums such as 1+1 keep their +.
// TODO: without a quote the + stays, since in a URL path (/24+union+all)
// it is a literal character; the caller does not say which one a value is.
func formSpaces(s string) string {
	if strings.IndexByte(s, ' ') >= 0 || strings.Count(s, "+") < 2 ||
		!strings.ContainsAny(s, "'\"`") {
		return s
	}
	return strings.ReplaceAll(s, "+", " ")
}

// indexPair returns the index of the first a directly followed by b in s,
// or -1, like strings.Index: it searches for b, the rarer byte of the
// two, and looks back.
func indexPair(s string, a, b byte) int {
	for i := 1; i < len(s); i++ {
		k := strings.IndexByte(s[i:], b)
		if k < 0 {
			break
		}
		if i += k; s[i-1] == a {
			return i - 1
		}
	}
	return -1
}

// sciNotationTrick returns an explanation for a number written as 1.e
// glued to a call or a name (1.e(ascii), 1.e.tables): MySQL reads the
// number and goes on, while a filter sees one odd word.
func sciNotationTrick(s string) string {
	for k := strings.Index(s, ".e"); k > 0; {
		e := k + 2
		if isDigit(s[k-1]) && e < len(s) && (s[e] == '(' || s[e] == '.' && len(wordAt(s, e+1)) >= 3) {
			return "number 1.e glued to " + s[e:e+1]
		}
		n := strings.Index(s[e:], ".e")
		if n < 0 {
			break
		}
		k = e + n
	}
	return ""
}

// splitKeywords counts the words of s that hold U+FFFD and that are SQL
// keywords of four letters or more once it is dropped (u\ufffdnion).
func splitKeywords(s string) int {
	const fffd = "\ufffd"
	var buf [16]byte
	n := 0
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) && !strings.HasPrefix(s[i:], fffd) {
			i++
			continue
		}
		w, split := buf[:0], false
		for i < len(s) {
			if strings.HasPrefix(s[i:], fffd) {
				i, split = i+len(fffd), true
				continue
			}
			if !isWordByte(s[i]) {
				break
			}
			if len(w) < len(buf) {
				w = append(w, s[i])
			}
			i++
		}
		if split && len(w) >= 4 && len(w) < len(buf) && sqlKeywords[string(w)] {
			n++
		}
	}
	return n
}
