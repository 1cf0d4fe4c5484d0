package paired

import (
	"errors"
	"testing"
	"time"
)

func TestTime(t *testing.T) {
	slow := func() error { time.Sleep(2 * time.Millisecond); return nil }
	fast := func() error { return nil }
	s, err := Time(5, 0, fast, slow)
	if err != nil {
		t.Fatal(err)
	}
	if s.Over < 2*time.Millisecond || s.Median < 2*time.Millisecond || s.BaseMedian >= s.Median {
		t.Errorf("stats %+v: the slow side should be at least 2ms over the fast one", s)
	}
	if s.Fastest > s.Median || s.BaseFastest > s.BaseMedian {
		t.Errorf("stats %+v: a fastest time above its median", s)
	}
}

func TestTimeErrors(t *testing.T) {
	boom := errors.New("boom")
	ok := func() error { return nil }
	for _, tc := range []struct {
		name      string
		n         int
		base, run func() error
	}{
		{"no runs", 0, ok, ok},
		{"base fails", 3, func() error { return boom }, ok},
		{"run fails", 3, ok, func() error { return boom }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Time(tc.n, 0, tc.base, tc.run); err == nil {
				t.Error("no error")
			}
		})
	}
}
