package awsclient

import (
	"context"
	"sync/atomic"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// callWatch tells an observer of every AWS call a client makes (once per
// call, not per retry), so that the set-up can say what it is waiting for
// without each look-up reporting itself.
type callWatch struct {
	fn atomic.Pointer[func(service, operation string)]
}

// install adds the watch to a client's middleware stack, after the
// service's metadata is known.
func (w *callWatch) install(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("BulkagentsCallWatch",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if fn := w.fn.Load(); fn != nil {
				(*fn)(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// Watch has fn told of every call the clients make (once per call, not per
// retry); nil stops it.
func (c *Clients) Watch(fn func(service, operation string)) {
	if c.watch == nil {
		return
	}
	if fn == nil {
		c.watch.fn.Store(nil)
		return
	}
	c.watch.fn.Store(&fn)
}
