package validate

// Bits of [sqlWordInfo].
const (
	isKeyword uint8 = 1 << iota
	isDanger
	isFunc
	isClause // a word [sqlFacts.word] acts on (and, select, union, where, ...)
)

// sqlWordKinds are the bits that make a word SQL rather than prose.
const sqlWordKinds = isKeyword | isDanger | isFunc

// sqlClauseWords are the words [sqlFacts.clause] looks at.
var sqlClauseWords = wordSet(`and or xor not select union with update insert delete
	having where when`)

// wordTableSize is a power of two about twenty times the number of words
// [sqlWordTable] holds, so that a lookup of another word mostly ends on
// its first, empty slot.
const wordTableSize = 4096

// wordTable is an open-addressing hash table from words to their bits. A
// word is keyed by its length and three of its bytes, so a lookup of a
// prose word mostly compares one number and stops.
type wordTable struct {
	keys  [wordTableSize]uint32 // the wordKey of each slot's word, 0 when empty
	entry [wordTableSize]uint8  // the index of each slot's word in words
	words []string
	bits  []uint8
}

// wordKey packs the length and the first, middle and last bytes of w,
// which is not empty, into a number that is never 0.
func wordKey(w string) uint32 {
	n := len(w)
	return uint32(w[0]) | uint32(w[n/2])<<8 | uint32(w[n-1])<<16 | uint32(min(n, 255))<<24
}

// wordSlot returns the first slot where the word of key k is looked for.
func wordSlot(k uint32) uint32 {
	return k * 0x9e3779b1 >> 20 // the top 12 bits: wordTableSize slots
}

// add merges bits into the entry of w.
func (t *wordTable) add(w string, bits uint8) {
	k := wordKey(w)
	h := wordSlot(k)
	for t.keys[h] != 0 && t.words[t.entry[h]] != w {
		h = (h + 1) % wordTableSize
	}
	if t.keys[h] == 0 {
		t.keys[h], t.entry[h] = k, uint8(len(t.words))
		t.words, t.bits = append(t.words, w), append(t.bits, 0)
	}
	t.bits[t.entry[h]] |= bits
}

// get returns the bits of w, 0 for a word the table does not hold. The key
// holds every byte of a word of up to three bytes, so only longer words are
// compared.
func (t *wordTable) get(w string) uint8 {
	if w == "" {
		return 0
	}
	k := wordKey(w)
	for h := wordSlot(k); t.keys[h] != 0; h = (h + 1) % wordTableSize {
		if e := t.entry[h]; t.keys[h] == k && (len(w) <= 3 || t.words[e] == w) {
			return t.bits[e]
		}
	}
	return 0
}

// sqlWordTable merges [sqlKeywords], [sqlDanger], [sqlFuncs] and
// [sqlClauseWords] so the tokenizer looks each word up once.
var sqlWordTable = func() *wordTable {
	t := new(wordTable)
	for _, set := range []struct {
		words map[string]bool
		bit   uint8
	}{
		{sqlKeywords, isKeyword}, {sqlDanger, isDanger}, {sqlFuncs, isFunc},
		{sqlClauseWords, isClause},
	} {
		for w, ok := range set.words {
			if ok {
				t.add(w, set.bit)
			}
		}
	}
	if len(t.words) > 256 {
		panic("sqlWordTable: more words than its uint8 entries index")
	}
	return t
}()

// sqlWordInfo returns the bits of word w.
func sqlWordInfo(w string) uint8 { return sqlWordTable.get(w) }
