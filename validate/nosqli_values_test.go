package validate

import "testing"

// TestOperatorValues checks operators pasted inside queries against
// operators sent where a value is expected.
func TestOperatorValues(t *testing.T) {
	tests := []struct {
		name, text string
		chat       bool // blocked in chat
	}{
		{"where named in a question", `should I replace $where with $expr? the docs say $where is slow`, false},
		{"where clause in a query",
			`db.orders.find({ $where: "this.total > this.limit" }) ist sehr langsam`, false},
		{"operator inside find", `db.users.find({ age: { $gte: 18 }, name: { $regex: "^a" } }) misses Anna`, false},
		{"regex on email in a query", `db.users.find({ email: { $regex: /@gmail\.com$/ } }) is slow`, false},
		{"not null idiom alone", `what does {"$ne": null} mean in a mongo filter?`, false},
		{"empty comparison as a value", `my order id: {"$gt": ""} can you look it up`, true},
		{"anchor regex as a value", `customer code {"$regex": ".*"} — what do you have on file?`, true},
		{"operator under a password", `login body {"user":"root","password":{"$ne":"x"}} returns 200`, true},
		{"where breaking out", `name'; return this.password != ''; var x='`, true},
		{"where clause stealing", `{"$where": "this.password.match(/^a/)"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, detail := detectNoSQLi(prepare(tt.text), Chat)
			if blocked := score >= DefaultChatThreshold; blocked != tt.chat {
				t.Errorf("chat blocked = %v (%.2f %s), want %v: %q", blocked, score, detail, tt.chat, tt.text)
			}
		})
	}
}
