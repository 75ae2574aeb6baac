package sandbox_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/sandbox"
)

// Start a sandbox on a free port and point an SDK client at it: any
// credentials do.
func ExampleStart() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Identity: "SAML"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sb.Close()

	client := connect.New(connect.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("x", "x", ""),
		BaseEndpoint: aws.String(sb.URL()),
	})
	inst, err := client.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(sb.InstanceID())})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inst.Instance.IdentityManagementType, aws.ToString(inst.Instance.InstanceAccessUrl))

	profiles, err := client.ListSecurityProfiles(ctx, &connect.ListSecurityProfilesInput{InstanceId: aws.String(sb.InstanceID())})
	if err != nil {
		fmt.Println(err)
		return
	}
	var names []string
	for _, p := range profiles.SecurityProfileSummaryList {
		names = append(names, aws.ToString(p.Name))
	}
	slices.Sort(names)
	fmt.Println(names)
	// Output:
	// SAML https://sandbox-contact-centre.my.connect.aws/
	// [Admin Agent CallCenterManager QualityAnalyst]
}
