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

// wordTableSize is a power of two about five times the number of words
// [sqlWordInfo] holds, so that most lookups of other words end on the
// first, empty slot.
const wordTableSize = 1024

// wordTable is an open-addressing hash table from words to their bits. A
// word is keyed by its length and three of its bytes, so a lookup of a
// prose word mostly compares one number and stops.
type wordTable struct {
	keys  [wordTableSize]uint32 // the wordKey of each slot's word, 0 when empty
	words [wordTableSize]string
	bits  [wordTableSize]uint8
}

// wordKey packs the length and the first, middle and last bytes of w,
// which is not empty, into a number that is never 0.
func wordKey(w string) uint32 {
	n := len(w)
	return uint32(w[0]) | uint32(w[n/2])<<8 | uint32(w[n-1])<<16 | uint32(min(n, 255))<<24
}

// wordSlot returns the first slot where the word of key k is looked for.
func wordSlot(k uint32) uint32 {
	return k * 0x9e3779b1 >> 22 // the top 10 bits: wordTableSize slots
}

// add merges bits into the entry of w.
func (t *wordTable) add(w string, bits uint8) {
	k := wordKey(w)
	h := wordSlot(k)
	for t.keys[h] != 0 && t.words[h] != w {
		h = (h + 1) % wordTableSize
	}
	t.keys[h], t.words[h] = k, w
	t.bits[h] |= bits
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
		if t.keys[h] == k && (len(w) <= 3 || t.words[h] == w) {
			return t.bits[h]
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
	return t
}()

// sqlWordInfo returns the bits of word w.
func sqlWordInfo(w string) uint8 { return sqlWordTable.get(w) }
