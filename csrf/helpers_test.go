package csrf_test

import (
	"encoding/base64"
	"testing"
)

func decodeToken(t *testing.T, tok string) []byte {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 64 {
		t.Fatalf("token %q: %d bytes, %v", tok, len(raw), err)
	}
	return raw
}
