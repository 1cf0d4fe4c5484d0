package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/bulwarkhq/bulwark/web"
)

// The pages are a plain http.Handler: the gateway mounts it at / in demo
// mode, behind its security headers and Content-Security-Policy.
func ExampleHandler() {
	pages, err := web.Handler()
	if err != nil {
		panic(err)
	}
	for _, path := range []string{"/", "/dashboard.html", "/missing.html"} {
		w := httptest.NewRecorder()
		pages.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Println(path, w.Code, w.Header().Get("Content-Type"))
	}
	// Output:
	// / 200 text/html; charset=utf-8
	// /dashboard.html 200 text/html; charset=utf-8
	// /missing.html 404 text/plain; charset=utf-8
}
