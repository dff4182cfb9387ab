package envelope

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Registration is global, so each test registers codes with names of its own.

func TestRegisterDomainCode(t *testing.T) {
	t.Parallel()
	errInUse, err := Register(CodeInfo{Code: "test_in_use", Status: 409, Message: "The resource is still referenced.", Description: "Deleting a referenced segment."})
	require.NoError(t, err)
	assert.Equal(t, Code("test_in_use"), errInUse.Code())
	assert.Equal(t, 409, errInUse.Status())
	assert.Equal(t, "The resource is still referenced.", errInUse.Message())
	assert.Equal(t, 409, StatusFor("test_in_use"))
	assert.Equal(t, 409, New("test_in_use", "").Status(), "New looks the status up")
	assert.Equal(t, "The resource is still referenced.", New("test_in_use", "").Message())

	info, ok := Lookup("test_in_use")
	require.True(t, ok)
	assert.Equal(t, "Deleting a referenced segment.", info.Description)

	specific := errInUse.WithMessage("segment beta is used by flag alpha")
	assert.ErrorIs(t, fmt.Errorf("delete: %w", specific), errInUse)
	assert.NotErrorIs(t, specific, ErrConflict, "a domain code is not its status's built-in code")

	found := false
	for _, c := range Codes() {
		found = found || c.Code == "test_in_use"
	}
	assert.True(t, found, "Codes lists registered codes")
}

func TestRegisterRefusesBadInput(t *testing.T) {
	t.Parallel()
	_, err := Register(CodeInfo{Code: "test_dup", Status: 409, Message: "m"})
	require.NoError(t, err)
	cases := []struct {
		name string
		info CodeInfo
		want string
	}{
		{"duplicate", CodeInfo{Code: "test_dup", Status: 409, Message: "m"}, "already registered"},
		{"built in", CodeInfo{Code: "not_found", Status: 404, Message: "m"}, "built in"},
		{"empty", CodeInfo{Code: "", Status: 400, Message: "m"}, "snake_case"},
		{"upper", CodeInfo{Code: "NotFound", Status: 400, Message: "m"}, "snake_case"},
		{"dash", CodeInfo{Code: "in-use", Status: 400, Message: "m"}, "snake_case"},
		{"double underscore", CodeInfo{Code: "in__use", Status: 400, Message: "m"}, "snake_case"},
		{"trailing underscore", CodeInfo{Code: "in_use_", Status: 400, Message: "m"}, "snake_case"},
		{"leading digit", CodeInfo{Code: "1x", Status: 400, Message: "m"}, "snake_case"},
		{"too long", CodeInfo{Code: Code("a" + strings.Repeat("b", 64)), Status: 400, Message: "m"}, "snake_case"},
		{"status 200", CodeInfo{Code: "test_ok", Status: 200, Message: "m"}, "not a 4xx or 5xx"},
		{"status 0", CodeInfo{Code: "test_zero", Status: 0, Message: "m"}, "not a 4xx or 5xx"},
		{"status 600", CodeInfo{Code: "test_600", Status: 600, Message: "m"}, "not a 4xx or 5xx"},
		{"no message", CodeInfo{Code: "test_nomsg", Status: 400}, "default message"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, err := Register(tc.info)
			assert.Nil(t, e)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidCode)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.PanicsWithError(t, `envelope: invalid code registration: code "test_dup" is already registered`, func() {
		MustRegister(CodeInfo{Code: "test_dup", Status: 409, Message: "m"})
	})
}

func TestRegisterConcurrentlyWithLookups(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := Register(CodeInfo{Code: Code(fmt.Sprintf("test_concurrent_%d", i)), Status: 400 + i, Message: "m"})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			for j := range 100 {
				_ = StatusFor(Code(fmt.Sprintf("test_concurrent_%d", j%32)))
				_ = Codes()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i := range 32 {
		assert.Equal(t, 400+i, StatusFor(Code(fmt.Sprintf("test_concurrent_%d", i))))
	}
	// Registering the same name from many goroutines: exactly one wins.
	var wins, losses int
	var mu sync.Mutex
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Register(CodeInfo{Code: "test_race_once", Status: 409, Message: "m"})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if errors.Is(err, ErrInvalidCode) {
				losses++
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
	assert.Equal(t, 15, losses)
}
