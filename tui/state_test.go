package tui

import (
	"reflect"
	"testing"
)

// TestAppStateStaysSmall checks that the app and each part of its state hold at most 15 fields,
// so that new state finds the part whose job it is, or a new part.
func TestAppStateStaysSmall(t *testing.T) {
	app := reflect.TypeFor[app]()
	types := []reflect.Type{app}
	for i := range app.NumField() {
		if f := app.Field(i); f.Anonymous {
			types = append(types, f.Type)
		}
	}
	for _, typ := range types {
		if n := typ.NumField(); n > 15 {
			t.Errorf("%s has %d fields, want at most 15", typ.Name(), n)
		}
	}
}
