package envelope

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCategory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    *APIError
		want Code
	}{
		{nil, CodeInternal},
		{NotFound(""), CodeNotFound},
		{domainErr(t, "token_rate_limit"), CodeRateLimited},
		{New("subscription_expired", "").WithStatus(402), CodePaymentRequired},
		{New("weird", "").WithStatus(418), CodeInvalidRequest},
		{New("never_registered", ""), CodeInternal},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.e.Category(), "%v", tt.e)
	}
}
