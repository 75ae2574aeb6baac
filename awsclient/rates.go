package awsclient

import (
	"context"
	"io"
)

// ConfiguredRates gives the run's rates: those already configured on the
// clients, or, the first time, what ConfigureRates finds (its note, if any,
// goes to note).
func (c *Clients) ConfiguredRates(ctx context.Context, apis []string, note io.Writer) *Rates {
	if r := c.Rates(); r != nil {
		return r
	}
	return c.ConfigureRates(ctx, apis, note)
}
