package validate_test

import (
	"fmt"

	"github.com/bulwarkhq/bulwark/validate"
)

func ExampleIsSafe() {
	for _, text := range []string{
		"why is SELECT * FROM orders WHERE id = 5 slow?",
		"' OR '1'='1",
	} {
		ok, err := validate.IsSafe(text)
		fmt.Println(ok, err)
	}
	// Output:
	// true <nil>
	// false input blocked: sqli (score 0.92): literal comparison 1=1
}

func ExampleValidator_CheckJSON() {
	v, err := validate.New(validate.Config{})
	if err != nil {
		panic(err)
	}
	body := []byte(`{"user": "admin", "password": {"$ne": null}}`)
	vd, err := v.CheckJSON(body, validate.Strict)
	if err != nil {
		panic(err)
	}
	f, _ := vd.Blocking()
	fmt.Println(vd.Allowed, f.Kind, f.Field)
	// Output: false nosqli password.$ne
}
