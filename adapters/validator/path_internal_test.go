package envelopevalidator

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFieldPath(t *testing.T) {
	t.Parallel()
	tests := []struct{ ns, want string }{
		{"", ""},
		{"Order.email", "email"},
		{".email", "email"}, // anonymous root struct
		{"Order.items[2].sku", "items[2].sku"},
		{"Order.`Audit`.createdBy", "createdBy"},
		{"Order.`Audit`.`Base`.id", "id"},
		{"Order.named.label", "named.label"},
		{"Order.labels[a.b]", "labels[a.b]"},
		{"Order.labels[a]b].x", "labels[a]b].x"},
		{"Order.matrix[1][0].sku", "matrix[1][0].sku"},
		{"[3]", "[3]"},
		{"[1].sku", "[1].sku"},
		{"email", "email"}, // a single segment is not a root
	}
	for _, tt := range tests {
		t.Run(tt.ns, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, fieldPath(tt.ns))
		})
	}
}

// FuzzFieldPath checks that any namespace, even one the validator would
// never produce, gives a path without panicking, never longer than its
// input and never starting with a dot. (An unclosed bracket keeps the rest
// as a map key, dots included.)
func FuzzFieldPath(f *testing.F) {
	for _, s := range []string{"Order.items[2].sku", "Order.`Audit`.createdBy", "A.m[x.y]", "[0].a", ".", "..", "A.`", "A.[", "A.]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ns string) {
		p := fieldPath(ns)
		if len(p) > len(ns) {
			t.Fatalf("fieldPath(%q) = %q: longer than its input", ns, p)
		}
		if strings.HasPrefix(p, ".") {
			t.Fatalf("fieldPath(%q) = %q: starts with a dot", ns, p)
		}
	})
}

func TestSplitSegment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seg, name string
		groups    []string
	}{
		{"Email", "Email", nil},
		{"Items[2]", "Items", []string{"[2]"}},
		{"Matrix[1][0]", "Matrix", []string{"[1]", "[0]"}},
		{"Labels[a.b]", "Labels", []string{"[a.b]"}},
		{"Labels[a]b]", "Labels", []string{"[a]b]"}},
		{"Labels[x][y]", "Labels", []string{"[x]", "[y]"}},
		{"Open[", "Open", []string{"["}},
	}
	for _, tt := range tests {
		name, groups := splitSegment(tt.seg)
		assert.Equal(t, tt.name, name, tt.seg)
		assert.Equal(t, tt.groups, groups, tt.seg)
	}
}
