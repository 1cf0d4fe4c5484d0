//go:build linux

package script_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/bulwarkhq/bulwark/script"
)

// A server keeps one Runner for its life and maps its errors to HTTP
// statuses. The example is not run by go test: it needs root.
func ExampleRunner_Run() {
	r, err := script.NewRunner(script.Config{}) // safe defaults
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	res, err := r.Run(context.Background(), script.Request{
		Language: "python", Code: "print(input().upper())", Stdin: "hi",
	})
	var bad *script.RequestError
	switch {
	case errors.Is(err, script.ErrBusy):
		fmt.Println("429")
	case errors.As(err, &bad):
		fmt.Println("400", bad.Msg)
	case err != nil:
		fmt.Println("sandbox_error:", err)
	default:
		fmt.Println(res.Status, res.Stdout)
	}
}
