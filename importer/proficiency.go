package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
)

// ProficiencyAPI is what the proficiency step calls; the SDK's client has it.
type ProficiencyAPI interface {
	AssociateUserProficiencies(ctx context.Context, in *connect.AssociateUserProficienciesInput, optFns ...func(*connect.Options)) (*connect.AssociateUserProficienciesOutput, error)
	ListUserProficiencies(ctx context.Context, in *connect.ListUserProficienciesInput, optFns ...func(*connect.Options)) (*connect.ListUserProficienciesOutput, error)
}

// PredefinedAttributeReader is what the plan reads the predefined
// attributes with.
type PredefinedAttributeReader interface {
	ListPredefinedAttributes(ctx context.Context, in *connect.ListPredefinedAttributesInput, optFns ...func(*connect.Options)) (*connect.ListPredefinedAttributesOutput, error)
	DescribePredefinedAttribute(ctx context.Context, in *connect.DescribePredefinedAttributeInput, optFns ...func(*connect.Options)) (*connect.DescribePredefinedAttributeOutput, error)
}

// addChannelConfigs adds a row's per-channel settings to its CreateUser
// request. CreateUser refuses a PhoneConfig field sent together with its
// per-channel twin (docs/aws.md §7), so each field goes in one form only: the
// per-channel one when the row fills in a per-channel column for it, the
// PhoneConfig one otherwise (as before these columns existed).
func addChannelConfigs(in *connect.CreateUserInput, a *agentfile.Agent) {
	c := a.Channels
	if c == nil {
		return
	}
	voice := types.ChannelVoice
	if c.PerChannelAutoAccept() {
		in.PhoneConfig.AutoAccept = false // not sent: its twin is AutoAcceptConfigs
		if c.VoiceAutoAcceptSet || c.CallbackAutoAccept != nil || a.AutoAccept {
			in.AutoAcceptConfigs = append(in.AutoAcceptConfigs, types.AutoAcceptConfig{
				Channel: voice, AutoAccept: a.AutoAccept, AgentFirstCallbackAutoAccept: c.CallbackAutoAccept})
		}
		for ch := agentfile.ChannelChat; ch < agentfile.ChannelCount; ch++ {
			if v := c.AutoAccept[ch]; v != nil {
				in.AutoAcceptConfigs = append(in.AutoAcceptConfigs, types.AutoAcceptConfig{Channel: types.Channel(agentfile.ChannelNames[ch]), AutoAccept: *v})
			}
		}
	}
	if c.PerChannelACW() {
		in.PhoneConfig.AfterContactWorkTimeLimit = 0 // not sent: its twin is AfterContactWorkConfigs
		if c.VoiceACWSet || c.CallbackACW != nil || a.ACWTimeout != 0 {
			cfg := types.AfterContactWorkConfigPerChannel{Channel: voice,
				AfterContactWorkConfig: &types.AfterContactWorkConfig{AfterContactWorkTimeLimit: a.ACWTimeout}}
			if c.CallbackACW != nil {
				cfg.AgentFirstCallbackAfterContactWorkConfig = &types.AfterContactWorkConfig{AfterContactWorkTimeLimit: *c.CallbackACW}
			}
			in.AfterContactWorkConfigs = append(in.AfterContactWorkConfigs, cfg)
		}
		for ch := agentfile.ChannelChat; ch < agentfile.ChannelCount; ch++ {
			if v := c.ACW[ch]; v != nil {
				in.AfterContactWorkConfigs = append(in.AfterContactWorkConfigs, types.AfterContactWorkConfigPerChannel{
					Channel: types.Channel(agentfile.ChannelNames[ch]), AfterContactWorkConfig: &types.AfterContactWorkConfig{AfterContactWorkTimeLimit: *v}})
			}
		}
	}
	if c.PersistentConnection != nil {
		// Only the per-channel form: PhoneConfig.PersistentConnection is never sent.
		in.PersistentConnectionConfigs = []types.PersistentConnectionConfig{{Channel: voice, PersistentConnection: aws.Bool(*c.PersistentConnection)}}
	}
	if c.VoiceEnhancement != "" {
		in.VoiceEnhancementConfigs = []types.VoiceEnhancementConfig{{Channel: voice, VoiceEnhancementMode: types.VoiceEnhancementMode(c.VoiceEnhancement)}}
	}
}

// interruptedProficiencies is the error of a row whose user was created
// but whose proficiencies are not known to be associated: --resume settles
// it (the user is found, its proficiencies listed, the missing ones added).
const interruptedProficiencies = "run again with --resume to settle it"

// associateProficiencies is the step after CreateUser for a row with
// proficiencies: one AssociateUserProficiencies, paced by its own limiter
// (the client's middleware), so that rows overlap: one row's proficiencies
// go while the next rows' CreateUser calls do. The row's created status is
// written only when they are associated; until then its results-file line
// keeps the password and says to resume. A user that existed before the
// run is left alone: changing it is --update's business.
func (p *Provisioner) associateProficiencies(_, calls context.Context, r *rowRun) bool {
	a := r.job.Planned.Agent
	o := &r.outcome
	if a == nil || len(a.Proficiencies) == 0 || o.Status != report.Created {
		return true
	}
	api, ok := p.Connect.(ProficiencyAPI)
	if !ok {
		return p.proficienciesFailed(o, errors.New("this client cannot associate proficiencies"))
	}
	want := a.Proficiencies
	if r.job.Planned.Action == ActionExists {
		// A resumed row: an earlier run may have associated some already.
		missing, err := missingProficiencies(calls, api, p.Instance.ID, o.ConnectUserID, want)
		if err != nil {
			return p.proficienciesFailed(o, err)
		}
		want = missing
	}
	if len(want) == 0 {
		return true
	}
	in := &connect.AssociateUserProficienciesInput{
		InstanceId: aws.String(p.Instance.ID), UserId: aws.String(o.ConnectUserID),
		UserProficiencies: userProficiencies(want),
	}
	_, err := api.AssociateUserProficiencies(calls, in)
	if err == nil {
		return true
	}
	if calls.Err() != nil {
		return p.proficienciesFailed(o, err)
	}
	// An answer lost after the change was made (or a retry refused because
	// the first attempt had made it) is settled by looking.
	if missing, lerr := missingProficiencies(calls, api, p.Instance.ID, o.ConnectUserID, want); lerr == nil && len(missing) == 0 {
		return true
	}
	return p.proficienciesFailed(o, err)
}

func (p *Provisioner) proficienciesFailed(o *report.Outcome, err error) bool {
	o.Status = report.NotAttempted
	o.Error = fmt.Sprintf("user created, but its proficiencies are not associated (%s): %s", ErrText(err), interruptedProficiencies)
	return false
}

func userProficiencies(ps []agentfile.Proficiency) []types.UserProficiency {
	out := make([]types.UserProficiency, len(ps))
	for i, p := range ps {
		out[i] = types.UserProficiency{AttributeName: aws.String(p.Attribute), AttributeValue: aws.String(p.Value), Level: aws.Float32(float32(p.Level))}
	}
	return out
}

// missingProficiencies lists a user's proficiencies and gives those of want
// it lacks (at the wanted level).
func missingProficiencies(ctx context.Context, api ProficiencyAPI, instanceID, userID string, want []agentfile.Proficiency) ([]agentfile.Proficiency, error) {
	have := map[string]float32{}
	p := connect.NewListUserProficienciesPaginator(api, &connect.ListUserProficienciesInput{
		InstanceId: aws.String(instanceID), UserId: aws.String(userID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list user proficiencies: %w", err)
		}
		for _, up := range page.UserProficiencyList {
			have[aws.ToString(up.AttributeName)+"|"+aws.ToString(up.AttributeValue)] = aws.ToFloat32(up.Level)
		}
	}
	var missing []agentfile.Proficiency
	for _, w := range want {
		if lv, ok := have[w.Attribute+"|"+w.Value]; !ok || lv != float32(w.Level) {
			missing = append(missing, w)
		}
	}
	return missing, nil
}

// attributeIndex holds the instance's predefined attributes that a file
// names: every name (listed at page cost), and the values of those the
// file uses (one DescribePredefinedAttribute each).
type attributeIndex struct {
	names  *nameIndex            // name → name
	values map[string]*nameIndex // exact attribute name → its values
}

// newAttributeIndex lists the predefined attributes once, then describes
// the ones the rows name (exactly or but for case).
func newAttributeIndex(ctx context.Context, api ConnectReader, instanceID string, rows []*PlannedRow) (*attributeIndex, error) {
	pa, ok := api.(PredefinedAttributeReader)
	if !ok {
		return nil, &PlanError{Step: "list predefined attributes", Err: errors.New("this client cannot list predefined attributes")}
	}
	x := &attributeIndex{names: newNameIndex(), values: map[string]*nameIndex{}}
	p := connect.NewListPredefinedAttributesPaginator(pa, &connect.ListPredefinedAttributesInput{
		InstanceId: aws.String(instanceID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, &PlanError{Step: "list predefined attributes", Err: err}
		}
		for _, s := range page.PredefinedAttributeSummaryList {
			x.names.add(aws.ToString(s.Name), aws.ToString(s.Name))
		}
	}
	wanted := map[string]bool{}
	for _, pr := range rows {
		for _, pf := range namedProficiencies(pr.Agent) {
			if _, ok := x.names.exact[pf.Attribute]; ok {
				wanted[pf.Attribute] = true
			}
			for _, n := range x.names.near[nameKey(pf.Attribute)] {
				wanted[n] = true
			}
		}
	}
	names := make([]string, 0, len(wanted))
	for n := range wanted {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		out, err := pa.DescribePredefinedAttribute(ctx, &connect.DescribePredefinedAttributeInput{InstanceId: aws.String(instanceID), Name: aws.String(n)})
		if err != nil {
			return nil, &PlanError{Step: "describe predefined attribute " + n, Err: err}
		}
		vals := newNameIndex()
		if out.PredefinedAttribute != nil {
			if sl, ok := out.PredefinedAttribute.Values.(*types.PredefinedAttributeValuesMemberStringList); ok {
				for _, v := range sl.Value {
					vals.add(v, v)
				}
			}
		}
		x.values[n] = vals
	}
	return x, nil
}

// check gives a problem for each proficiency of a whose attribute or value
// does not exist, with the exact name when only case or spacing differs.
func (x *attributeIndex) check(a *agentfile.Agent, problem func(value, msg, hint string)) {
	for _, pf := range a.Proficiencies {
		if _, msg, hint := x.names.resolve("predefined attribute", pf.Attribute); msg != "" {
			if !strings.Contains(msg, "exactly") {
				hint = "create it in the Connect admin website (Routing > Predefined attributes), then run again; " + hint
			}
			problem(pf.String(), msg, hint)
			continue
		}
		vals := x.values[pf.Attribute]
		if vals == nil {
			vals = newNameIndex()
		}
		if _, msg, hint := vals.resolve(pf.Attribute+" value", pf.Value); msg != "" {
			problem(pf.String(), msg, hint)
		}
	}
}

// planAttributes reads the predefined attributes when some valid row has
// proficiencies; nil otherwise (no call made).
func planAttributes(ctx context.Context, api ConnectReader, instanceID string, rows []*PlannedRow) (*attributeIndex, error) {
	for _, pr := range rows {
		if len(namedProficiencies(pr.Agent)) > 0 {
			return newAttributeIndex(ctx, api, instanceID, rows)
		}
	}
	return nil, nil
}

// namedProficiencies are the proficiencies a row gives a user: its
// proficiencies column's and its add proficiencies column's (the plan
// checks their attributes and values exist; what remove proficiencies
// names need not: removing one the user lacks is no change).
func namedProficiencies(a *agentfile.Agent) []agentfile.Proficiency {
	if a.Edits == nil || len(a.Edits.AddProficiencies) == 0 {
		return a.Proficiencies
	}
	return append(append([]agentfile.Proficiency(nil), a.Proficiencies...), a.Edits.AddProficiencies...)
}
