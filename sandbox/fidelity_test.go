package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/smithy-go"
)

// TestCreateUserRefusesWhatAWSRefuses: names not in NFC, addresses outside
// the model's pattern, Email on a SAML instance, tag keys outside TagKey's
// pattern; each through the real SDK client, each leaving no user behind.
func TestCreateUserRefusesWhatAWSRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		name, identity string
		edit           func(*connect.CreateUserInput)
		code           string // "" accepted
	}{
		{"accepted", "CONNECT_MANAGED", func(*connect.CreateUserInput) {}, ""},
		{"NFC name accepted", "CONNECT_MANAGED", func(in *connect.CreateUserInput) { in.IdentityInfo.FirstName = aws.String("Jos\u00e9") }, ""},
		{"first name not NFC", "CONNECT_MANAGED", func(in *connect.CreateUserInput) { in.IdentityInfo.FirstName = aws.String("Jose\u0301") }, "InvalidParameterException"},
		{"last name not NFC", "CONNECT_MANAGED", func(in *connect.CreateUserInput) { in.IdentityInfo.LastName = aws.String("Mu\u0308ller") }, "InvalidParameterException"},
		{"secondary email with an apostrophe", "CONNECT_MANAGED", func(in *connect.CreateUserInput) {
			in.IdentityInfo.SecondaryEmail = aws.String("o'brien@example.com")
		}, "InvalidParameterException"},
		{"secondary email with a one-letter top-level domain", "CONNECT_MANAGED", func(in *connect.CreateUserInput) {
			in.IdentityInfo.SecondaryEmail = aws.String("ada@example.c")
		}, "InvalidParameterException"},
		{"secondary email over 265 characters", "CONNECT_MANAGED", func(in *connect.CreateUserInput) {
			in.IdentityInfo.SecondaryEmail = aws.String(strings.Repeat("a", 260) + "@example.com")
		}, "InvalidParameterException"},
		{"email with a bang", "CONNECT_MANAGED", func(in *connect.CreateUserInput) { in.IdentityInfo.Email = aws.String("ada!@example.com") }, "InvalidParameterException"},
		{"email on SAML", "SAML", func(in *connect.CreateUserInput) { in.IdentityInfo.Email = aws.String("ada@example.com") }, "InvalidRequestException"},
		{"secondary email on SAML accepted", "SAML", func(in *connect.CreateUserInput) { in.IdentityInfo.SecondaryEmail = aws.String("ada@example.com") }, ""},
		{"tag key with a comma", "CONNECT_MANAGED", func(in *connect.CreateUserInput) { in.Tags = map[string]string{"a,b": "1"} }, "InvalidParameterException"},
		{"tag key in the model's range", "CONNECT_MANAGED", func(in *connect.CreateUserInput) { in.Tags = map[string]string{"team:site/1=a": "x"} }, ""},
		{"tag key aws:", "CONNECT_MANAGED", func(in *connect.CreateUserInput) { in.Tags = map[string]string{"aws:team": "x"} }, "InvalidParameterException"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClients(t, Options{Unlimited: true, Identity: tt.identity}, false)
			in := createInput(c.sb, tt.identity)
			tt.edit(in)
			_, err := c.connect.CreateUser(ctx, in)
			checkRefusal(t, err, tt.code)
			want := 1
			if tt.code == "" {
				want = 2
			}
			if n := len(c.sb.ConnectUsers()); n != want {
				t.Errorf("%d users, want %d", n, want)
			}
		})
	}
}

// tagKeyCases are keys against TagKey's model pattern,
// ^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$, 1 to 128 characters: true when
// the key is valid.
var tagKeyCases = []struct {
	key   string
	valid bool
}{
	{"team", true},
	{"cost center", true},
	{"équipe", true},
	{"owner@x", true},
	{"team:site/1=a+b-c_d.e", true},
	{"部署", true},
	{"level\u00a02", true}, // a no-break space is \p{Z}
	{"a,b", false},
	{"team#1", false},
	{"a|b", false},
	{"tab\there", false}, // a control character, not \p{Z}
	{"aws:team", false},
	{"AWS:team", false}, // reserved in any case (AWS's tagging rules)
	{strings.Repeat("k", 128), true},
	{strings.Repeat("k", 129), false},
}

// TestTagKeyModelPattern: CreateUser, TagResource and UntagResource take
// the tag keys TagKey's pattern takes and refuse the others, with
// InvalidParameterException, changing nothing.
func TestTagKeyModelPattern(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, Options{Unlimited: true}, false)
	in := createInput(c.sb, "CONNECT_MANAGED")
	out, err := c.connect.CreateUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	arn := out.UserArn
	for i, tc := range tagKeyCases {
		code := "InvalidParameterException"
		if tc.valid {
			code = ""
		}
		create := createInput(c.sb, "CONNECT_MANAGED")
		create.Username = aws.String(fmt.Sprintf("tagged%d", i))
		create.Tags = map[string]string{tc.key: "v"}
		_, err := c.connect.CreateUser(ctx, create)
		if codeOf(err) != code {
			t.Errorf("CreateUser with tag key %q: %v, want %q", tc.key, err, code)
		}
		_, err = c.connect.TagResource(ctx, &connect.TagResourceInput{ResourceArn: arn, Tags: map[string]string{tc.key: "v"}})
		if codeOf(err) != code {
			t.Errorf("TagResource with tag key %q: %v, want %q", tc.key, err, code)
		}
		_, err = c.connect.UntagResource(ctx, &connect.UntagResourceInput{ResourceArn: arn, TagKeys: []string{tc.key}})
		if codeOf(err) != code {
			t.Errorf("UntagResource of tag key %q: %v, want %q", tc.key, err, code)
		}
	}
	want := 2 // the seeded admin and ada
	for _, tc := range tagKeyCases {
		if tc.valid {
			want++
		}
	}
	if n := len(c.sb.ConnectUsers()); n != want {
		t.Errorf("%d users, want %d (the refused ones not created)", n, want)
	}
	for _, u := range c.sb.ConnectUsers() {
		if u.Username == "ada" && len(u.Tags) != 0 {
			t.Errorf("ada's tags after tagging and untagging each key: %v, want none", u.Tags)
		}
	}
}

// TestShortLogins: started with ShortLogins, a Connect-managed instance
// refuses a login over 20 characters, and takes one of 20; without it, or
// on SAML, the model's limit holds.
func TestShortLogins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		identity string
		short    bool
		login    string
		code     string
	}{
		{"CONNECT_MANAGED", true, strings.Repeat("a", 20), ""},
		{"CONNECT_MANAGED", true, strings.Repeat("a", 21), "InvalidParameterException"},
		{"CONNECT_MANAGED", false, strings.Repeat("a", 21), ""},
		{"SAML", true, strings.Repeat("a", 40), ""},
	} {
		c := newClients(t, Options{Unlimited: true, Identity: tt.identity, ShortLogins: tt.short}, false)
		in := createInput(c.sb, tt.identity)
		in.Username = aws.String(tt.login)
		_, err := c.connect.CreateUser(ctx, in)
		checkRefusal(t, err, tt.code)
	}
}

// TestCreateGroupReservedNames: Identity Store keeps these group names.
func TestCreateGroupReservedNames(t *testing.T) {
	t.Parallel()
	c := newClients(t, Options{Unlimited: true, Identity: "SAML"}, false)
	for _, name := range []string{"Administrator", "AWSAdministrators", "awsadministrators"} {
		_, err := c.store.CreateGroup(context.Background(), &identitystore.CreateGroupInput{IdentityStoreId: aws.String(c.sb.IdentityStoreID()), DisplayName: aws.String(name)})
		checkRefusal(t, err, "ValidationException")
	}
	if _, err := c.store.CreateGroup(context.Background(), &identitystore.CreateGroupInput{IdentityStoreId: aws.String(c.sb.IdentityStoreID()), DisplayName: aws.String("Administrators of agents")}); err != nil {
		t.Errorf("an ordinary group name: %v", err)
	}
}

func createInput(sb *Sandbox, identity string) *connect.CreateUserInput {
	var agent string
	for _, p := range sb.security {
		if p.name == "Agent" {
			agent = p.id
		}
	}
	in := &connect.CreateUserInput{
		InstanceId:         aws.String(sb.InstanceID()),
		Username:           aws.String("ada"),
		IdentityInfo:       &types.UserIdentityInfo{FirstName: aws.String("Ada"), LastName: aws.String("Lovelace")},
		RoutingProfileId:   aws.String(sb.routing[0].id),
		SecurityProfileIds: []string{agent},
		PhoneConfig:        &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone},
	}
	if identity == "CONNECT_MANAGED" {
		in.Password = aws.String("Sandbox1pass")
	}
	return in
}

func checkRefusal(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	switch {
	case code == "" && err != nil:
		t.Errorf("refused: %v", err)
	case code != "" && !errors.As(err, &ae):
		t.Errorf("got %v, want %s", err, code)
	case code != "" && ae.ErrorCode() != code:
		t.Errorf("got %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
}

// TestNameLengthsEveryIdentityType: AgentFirstName is up to 255 characters
// and AgentLastName up to 300 in the model, whatever the identity type, in
// CreateUser and UpdateUserIdentityInfo.
func TestNameLengthsEveryIdentityType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, identity := range []string{"CONNECT_MANAGED", "SAML", "EXISTING_DIRECTORY"} {
		c := newClients(t, Options{Unlimited: true, Identity: identity}, false)
		for i, tt := range []struct {
			first, last int
			code        string
		}{
			{255, 300, ""},
			{256, 10, "InvalidParameterException"},
			{10, 301, "InvalidParameterException"},
		} {
			in := createInput(c.sb, identity)
			in.Username = aws.String(fmt.Sprintf("name%d", i))
			in.IdentityInfo.FirstName = aws.String(strings.Repeat("é", tt.first))
			in.IdentityInfo.LastName = aws.String(strings.Repeat("x", tt.last))
			out, err := c.connect.CreateUser(ctx, in)
			if codeOf(err) != tt.code {
				t.Errorf("%s: CreateUser with names of %d and %d characters: %v, want %q", identity, tt.first, tt.last, err, tt.code)
			}
			if identity == "EXISTING_DIRECTORY" {
				continue // the directory owns the names: UpdateUserIdentityInfo is refused
			}
			admin := c.sb.ConnectUsers()[0].ID
			if out != nil {
				admin = aws.ToString(out.UserId)
			}
			_, err = c.connect.UpdateUserIdentityInfo(ctx, &connect.UpdateUserIdentityInfoInput{InstanceId: in.InstanceId, UserId: aws.String(admin),
				IdentityInfo: &types.UserIdentityInfo{FirstName: in.IdentityInfo.FirstName, LastName: in.IdentityInfo.LastName}})
			if codeOf(err) != tt.code {
				t.Errorf("%s: UpdateUserIdentityInfo with names of %d and %d characters: %v, want %q", identity, tt.first, tt.last, err, tt.code)
			}
		}
	}
}

// TestPasswordLengthInUTF16: Connect counts a password's 8 to 64
// characters in UTF-16 code units, so an emoji counts twice: 63 ASCII
// characters and one emoji are 65, refused; 62 and one are 64, taken.
func TestPasswordLengthInUTF16(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, Options{Unlimited: true}, false)
	base := "Aa1" + strings.Repeat("x", 59) // 62 ASCII characters
	for i, tt := range []struct {
		password, code string
	}{
		{base + "😀", ""},
		{base + "y😀", "InvalidParameterException"},
		{"Aa1xx😀", "InvalidParameterException"}, // 7 code units
		{"Aa1xxx😀", ""},                         // 8
	} {
		in := createInput(c.sb, "CONNECT_MANAGED")
		in.Username = aws.String(fmt.Sprintf("pw%d", i))
		in.Password = aws.String(tt.password)
		_, err := c.connect.CreateUser(ctx, in)
		if codeOf(err) != tt.code {
			t.Errorf("password of %d runes: %v, want %q", len([]rune(tt.password)), err, tt.code)
		}
	}
}
