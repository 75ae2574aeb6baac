package importer

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/agentfile"
)

// numberKeeper is a Connect whose UpdateUserPhoneConfig merges what it is
// not sent, as the API's documentation leaves possible: the number stays.
type numberKeeper struct {
	ConnectUpdater
	number string
}

func (k numberKeeper) DescribeUser(context.Context, *connect.DescribeUserInput, ...func(*connect.Options)) (*connect.DescribeUserOutput, error) {
	return &connect.DescribeUserOutput{User: &types.User{PhoneConfig: &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone, DeskPhoneNumber: aws.String(k.number)}}}, nil
}

func (numberKeeper) UpdateUserPhoneConfig(context.Context, *connect.UpdateUserPhoneConfigInput, ...func(*connect.Options)) (*connect.UpdateUserPhoneConfigOutput, error) {
	return &connect.UpdateUserPhoneConfigOutput{}, nil
}

// TestPhoneClearChecked: a phone update that clears the number reads the
// user again, and a number Connect kept is the row's error, not a change
// reported made.
func TestPhoneClearChecked(t *testing.T) {
	t.Parallel()
	in := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,phone type,phone number\n" +
		"Ann,Lee,ann,Basic,Agent,soft,(none)\n"
	f, err := agentfile.Read(context.Background(), strings.NewReader(in), agentfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := agentfile.Validate(f, agentfile.ValidateOptions{})[0]
	if c.Agent == nil {
		t.Fatalf("row refused: %v", c.Problems)
	}
	pr := &PlannedRow{Row: c.Row, Agent: c.Agent}
	have := &types.User{Id: aws.String("u"), IdentityInfo: &types.UserIdentityInfo{FirstName: aws.String("Ann"), LastName: aws.String("Lee")},
		PhoneConfig: &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone, DeskPhoneNumber: aws.String("+14255550166")}}
	up, err := diffUser(context.Background(), f, Instance{Identity: agentfile.IdentityConnect}, pr, have, nil)
	if err != nil || up.Cell() != "phone number: +14255550166 -> (none)" {
		t.Fatalf("diff: %v %q", err, up.Cell())
	}
	kept := &Updater{Connect: numberKeeper{number: "+14255550166"}, Instance: Instance{ID: "i"}}
	if msg := kept.apply(context.Background(), &UpdateJob{Planned: pr}, up); !strings.Contains(msg, "connect kept the phone number") {
		t.Errorf("a number Connect kept: %q, want the row's error", msg)
	}
	gone := &Updater{Connect: numberKeeper{}, Instance: Instance{ID: "i"}}
	if msg := gone.apply(context.Background(), &UpdateJob{Planned: pr}, up); msg != "" {
		t.Errorf("a number cleared: %q, want no error", msg)
	}
}
