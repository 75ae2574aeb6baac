package importer

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/awsclient"
)

// BreakerMessage is what rows stopped by the breaker say, naming where the
// calls went.
func BreakerMessage(endpoint string) string {
	return "not attempted: " + awsclient.BreakerCause(endpoint) +
		"; check the network (and that the endpoint is up), then run again with --resume"
}

// breakerOpen says whether the circuit breaker stopped the calls.
func (p *Provisioner) breakerOpen() bool {
	if p.Limits == nil {
		return false
	}
	open, _ := p.Limits.Breaker.Open()
	return open
}

func (p *Provisioner) endpoint() string {
	if p.Endpoint == "" {
		return "the AWS endpoint"
	}
	return p.Endpoint
}

// instanceGone asks, once, whether the instance still exists after a
// CreateUser was answered ResourceNotFoundException (which also names a
// routing or security profile deleted since the plan). When it is gone, the
// run stops: the remaining rows are not-attempted, not failed one by one.
func (p *Provisioner) instanceGone(ctx context.Context) bool {
	p.goneOnce.Do(func() {
		_, err := p.Connect.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(p.Instance.ID)})
		if awsclient.Classify(err) == awsclient.NotFound {
			msg := fmt.Sprintf("not attempted: instance %s no longer exists (DescribeInstance: ResourceNotFoundException); "+
				"check --instance-id and --region, or, if it was deleted and made again, import into the new one with --out NEW-results.csv", p.Instance.ID)
			p.gone.Store(&msg)
		}
	})
	return p.gone.Load() != nil
}
