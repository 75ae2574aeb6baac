package report

import (
	"reflect"
	"testing"
)

// gocsv names a field without a csv tag by its Go name: a field added to a
// row struct without one would add a column such as "CreationToken".
func TestRowStructsTagged(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[Outcome](), reflect.TypeFor[teamRow]()} {
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() && f.Tag.Get("csv") == "" {
				t.Errorf("%s.%s has no csv tag (give it its column's name, or csv:\"-\")", typ.Name(), f.Name)
			}
		}
	}
}
