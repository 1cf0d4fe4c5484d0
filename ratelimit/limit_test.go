package ratelimit_test

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/ratelimit"
)

func TestLimitValid(t *testing.T) {
	tests := []struct {
		name string
		l    ratelimit.Limit
		ok   bool
	}{
		{"per minute", ratelimit.PerMinute(60), true},
		{"with burst", ratelimit.Limit{Rate: 5, Per: time.Second, Burst: 10}, true},
		{"zero", ratelimit.Limit{}, false},
		{"negative rate", ratelimit.Limit{Rate: -1, Per: time.Second}, false},
		{"zero period", ratelimit.Limit{Rate: 1}, false},
		{"negative burst", ratelimit.Limit{Rate: 1, Per: time.Second, Burst: -1}, false},
		{"interval under 1ns", ratelimit.Limit{Rate: 10, Per: 5}, false},
		{"huge burst", ratelimit.Limit{Rate: 1, Per: time.Second, Burst: 1 << 40}, false},
		{"recovery over 100 years", ratelimit.Limit{Rate: 1, Per: 24 * time.Hour, Burst: 40000},
			false},
		{"long but fine", ratelimit.Limit{Rate: 1, Per: 24 * time.Hour, Burst: 30000}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.l.Valid()
			if (err == nil) != tt.ok {
				t.Fatalf("Valid() = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ratelimit.ErrInvalidLimit) {
				t.Fatalf("Valid() = %v, want ErrInvalidLimit", err)
			}
		})
	}
}

func TestPolicy(t *testing.T) {
	tests := []struct {
		name string
		l    ratelimit.Limit
		want string
	}{
		{"per minute", ratelimit.PerMinute(60), "60;w=60"},
		{"burst", ratelimit.Limit{Rate: 10, Per: time.Second, Burst: 5}, "10;w=1;burst=5"},
		{"sub-second period rounds up", ratelimit.Limit{Rate: 2, Per: 1500 * time.Millisecond}, "2;w=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ratelimit.Policy(tt.l); got != tt.want {
				t.Fatalf("Policy() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteHeaders(t *testing.T) {
	l := ratelimit.Limit{Rate: 60, Per: time.Minute, Burst: 10}
	tests := []struct {
		name string
		d    ratelimit.Decision
		want map[string]string
	}{
		{
			name: "allowed",
			d:    ratelimit.Decision{Allowed: true, Limit: l, Remaining: 69, ResetAfter: time.Second},
			want: map[string]string{
				"RateLimit-Limit": "70", "RateLimit-Remaining": "69", "RateLimit-Reset": "1",
				"RateLimit-Policy": "60;w=60;burst=10", "Retry-After": "",
			},
		},
		{
			name: "denied rounds up",
			d: ratelimit.Decision{Limit: l, RetryAfter: 1200 * time.Millisecond,
				ResetAfter: 70 * time.Second},
			want: map[string]string{
				"RateLimit-Remaining": "0", "RateLimit-Reset": "70", "Retry-After": "2",
			},
		},
		{
			name: "denied with tiny wait says one second",
			d:    ratelimit.Decision{Limit: l, RetryAfter: time.Microsecond},
			want: map[string]string{"Retry-After": "1", "RateLimit-Reset": "0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			ratelimit.WriteHeaders(w, tt.d)
			for k, want := range tt.want {
				if got := w.Header().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}
