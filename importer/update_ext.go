package importer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/agentfile"
)

// The update of the extension columns: per-channel settings
// (UpdateUserConfig) and proficiencies (their three APIs). A blank cell
// leaves the setting alone; "(none)" in the proficiencies cell removes
// them all; a proficiencies cell that is not blank is the user's whole set.

// ConfigUpdater is UpdateUserConfig; *connect.Client has it.
type ConfigUpdater interface {
	UpdateUserConfig(ctx context.Context, in *connect.UpdateUserConfigInput, optFns ...func(*connect.Options)) (*connect.UpdateUserConfigOutput, error)
}

// ProficiencyUpdater is what changing a user's proficiencies calls;
// *connect.Client has it.
type ProficiencyUpdater interface {
	ProficiencyAPI
	UpdateUserProficiencies(ctx context.Context, in *connect.UpdateUserProficienciesInput, optFns ...func(*connect.Options)) (*connect.UpdateUserProficienciesOutput, error)
	DisassociateUserProficiencies(ctx context.Context, in *connect.DisassociateUserProficienciesInput, optFns ...func(*connect.Options)) (*connect.DisassociateUserProficienciesOutput, error)
}

// fieldProficiencies is how the changes column names the proficiencies.
var fieldProficiencies = agentfile.FieldLabel(agentfile.GroupColumn(agentfile.GroupProficiencies))

// userProficiencyQuota is the default quota of proficiencies per user
// (docs/aws.md §7).
const userProficiencyQuota = 10

// proficiencyChange is how a user's proficiencies become the row's.
type proficiencyChange struct {
	add, update, remove []agentfile.Proficiency
	want                []agentfile.Proficiency // the whole set, to settle a lost answer
	// edits: the row's add and remove proficiencies, which settle a lost
	// answer instead of want.
	edits *agentfile.SetEdits
	had   int
}

// userChannels are the per-channel settings of a user as DescribeUser
// gives them; a channel it does not list has AWS's defaults (no auto
// accept, no ACW limit, no persistent connection, no enhancement).
type userChannels struct {
	autoAccept         [agentfile.ChannelCount]bool
	acw                [agentfile.ChannelCount]int32 // seconds
	callbackAutoAccept bool
	callbackACW        int32
	persistent         bool
	enhancement        string
}

func channelIndex(c types.Channel) int {
	for i, n := range agentfile.ChannelNames {
		if string(c) == n {
			return i
		}
	}
	return -1
}

func userChannelsOf(u *types.User) userChannels {
	c := userChannels{enhancement: "NONE"}
	if pc := u.PhoneConfig; pc != nil {
		c.autoAccept[agentfile.ChannelVoice], c.acw[agentfile.ChannelVoice] = pc.AutoAccept, pc.AfterContactWorkTimeLimit
		c.persistent = aws.ToBool(pc.PersistentConnection)
	}
	for _, a := range u.AutoAcceptConfigs {
		if i := channelIndex(a.Channel); i >= 0 {
			c.autoAccept[i] = a.AutoAccept
		}
		if a.Channel == types.ChannelVoice && a.AgentFirstCallbackAutoAccept != nil {
			c.callbackAutoAccept = *a.AgentFirstCallbackAutoAccept
		}
	}
	for _, a := range u.AfterContactWorkConfigs {
		if i := channelIndex(a.Channel); i >= 0 && a.AfterContactWorkConfig != nil {
			c.acw[i] = a.AfterContactWorkConfig.AfterContactWorkTimeLimit
		}
		if a.Channel == types.ChannelVoice && a.AgentFirstCallbackAfterContactWorkConfig != nil {
			c.callbackACW = a.AgentFirstCallbackAfterContactWorkConfig.AfterContactWorkTimeLimit
		}
	}
	for _, p := range u.PersistentConnectionConfigs {
		if p.Channel == types.ChannelVoice && p.PersistentConnection != nil {
			c.persistent = *p.PersistentConnection
		}
	}
	for _, v := range u.VoiceEnhancementConfigs {
		if v.Channel == types.ChannelVoice && v.VoiceEnhancementMode != "" {
			c.enhancement = string(v.VoiceEnhancementMode)
		}
	}
	return c
}

// settings are the per-channel settings as the template's values: each
// one set, to compare with a row's.
func (c userChannels) settings() *agentfile.ChannelSettings {
	var s agentfile.ChannelSettings
	for ch := agentfile.ChannelChat; ch < agentfile.ChannelCount; ch++ {
		s.AutoAccept[ch], s.ACW[ch] = aws.Bool(c.autoAccept[ch]), aws.Int32(c.acw[ch])
	}
	s.CallbackAutoAccept, s.CallbackACW = aws.Bool(c.callbackAutoAccept), aws.Int32(c.callbackACW)
	s.PersistentConnection, s.VoiceEnhancement = aws.Bool(c.persistent), c.enhancement
	return &s
}

// configInput is UpdateUserConfig's input: the per-channel settings that
// change, and only those. The voice channel's own auto accept and ACW are
// the phone settings' (phoneInput); the voice entries sent here for the
// callback settings carry the voice values the row wants, as the API
// requires them.
func configInput(have, want *agentfile.Agent) connect.UpdateUserConfigInput {
	var in connect.UpdateUserConfigInput
	h, w := have.Channels, want.Channels
	for c := agentfile.ChannelChat; c < agentfile.ChannelCount; c++ {
		api := types.Channel(agentfile.ChannelNames[c])
		if aws.ToBool(h.AutoAccept[c]) != aws.ToBool(w.AutoAccept[c]) {
			in.AutoAcceptConfigs = append(in.AutoAcceptConfigs, types.AutoAcceptConfig{Channel: api, AutoAccept: aws.ToBool(w.AutoAccept[c])})
		}
		if aws.ToInt32(h.ACW[c]) != aws.ToInt32(w.ACW[c]) {
			in.AfterContactWorkConfigs = append(in.AfterContactWorkConfigs, types.AfterContactWorkConfigPerChannel{Channel: api,
				AfterContactWorkConfig: &types.AfterContactWorkConfig{AfterContactWorkTimeLimit: aws.ToInt32(w.ACW[c])}})
		}
	}
	if aws.ToBool(h.CallbackAutoAccept) != aws.ToBool(w.CallbackAutoAccept) {
		in.AutoAcceptConfigs = append(in.AutoAcceptConfigs, types.AutoAcceptConfig{Channel: types.ChannelVoice, AutoAccept: want.AutoAccept,
			AgentFirstCallbackAutoAccept: aws.Bool(aws.ToBool(w.CallbackAutoAccept))})
	}
	if aws.ToInt32(h.CallbackACW) != aws.ToInt32(w.CallbackACW) {
		in.AfterContactWorkConfigs = append(in.AfterContactWorkConfigs, types.AfterContactWorkConfigPerChannel{Channel: types.ChannelVoice,
			AfterContactWorkConfig:                   &types.AfterContactWorkConfig{AfterContactWorkTimeLimit: want.ACWTimeout},
			AgentFirstCallbackAfterContactWorkConfig: &types.AfterContactWorkConfig{AfterContactWorkTimeLimit: aws.ToInt32(w.CallbackACW)}})
	}
	if aws.ToBool(h.PersistentConnection) != aws.ToBool(w.PersistentConnection) {
		in.PersistentConnectionConfigs = []types.PersistentConnectionConfig{{Channel: types.ChannelVoice, PersistentConnection: aws.Bool(aws.ToBool(w.PersistentConnection))}}
	}
	if h.VoiceEnhancement != w.VoiceEnhancement {
		in.VoiceEnhancementConfigs = []types.VoiceEnhancementConfig{{Channel: types.ChannelVoice, VoiceEnhancementMode: types.VoiceEnhancementMode(w.VoiceEnhancement)}}
	}
	return in
}

// diffProficiencies compares a proficiencies cell that is not blank with
// the user's proficiencies: the cell is the whole set.
func diffProficiencies(up *UserUpdate, raw string, want []agentfile.Proficiency, have []types.UserProficiency) {
	if raw == "" {
		return
	}
	if raw == agentfile.ClearCell {
		want = nil
	}
	key := func(attr, value string) string { return attr + "|" + value }
	had := map[string]float32{}
	for _, h := range have {
		had[key(aws.ToString(h.AttributeName), aws.ToString(h.AttributeValue))] = aws.ToFloat32(h.Level)
	}
	pc := proficiencyChange{want: want, had: len(have)}
	var items []string
	wanted := map[string]bool{}
	for _, w := range want {
		k := key(w.Attribute, w.Value)
		wanted[k] = true
		switch lv, ok := had[k]; {
		case !ok:
			pc.add = append(pc.add, w)
			items = append(items, "+"+w.String())
		case lv != float32(w.Level):
			pc.update = append(pc.update, w)
			items = append(items, fmt.Sprintf("%s: %s -> %d", k, levelText(lv), w.Level))
		}
	}
	for _, h := range have {
		n, v := aws.ToString(h.AttributeName), aws.ToString(h.AttributeValue)
		if !wanted[key(n, v)] {
			pc.remove = append(pc.remove, agentfile.Proficiency{Attribute: n, Value: v})
			items = append(items, "-"+key(n, v)+"|"+levelText(aws.ToFloat32(h.Level)))
		}
	}
	if len(items) == 0 {
		return
	}
	sort.Slice(items, func(i, j int) bool { return strings.TrimLeft(items[i], "+-") < strings.TrimLeft(items[j], "+-") })
	up.profs = pc
	up.Changes = append(up.Changes, FieldChange{Field: fieldProficiencies, New: strings.Join(items, ", "), Aspect: AspectProficiencies, Set: true})
}

// diffProficiencyEdits compares the add and remove proficiencies columns
// with the user's proficiencies: an added one the user lacks is
// associated, one it holds at another level has its level changed, one it
// holds at that level is no change; a removed one the user holds goes
// (whatever its level), one it lacks is no change. The user's others are
// left as they are.
func diffProficiencyEdits(up *UserUpdate, e *agentfile.SetEdits, have []types.UserProficiency) {
	key := func(attr, value string) string { return attr + "|" + value }
	had := map[string]float32{}
	for _, h := range have {
		had[key(aws.ToString(h.AttributeName), aws.ToString(h.AttributeValue))] = aws.ToFloat32(h.Level)
	}
	pc := proficiencyChange{edits: e, had: len(have)}
	var items []string
	for _, w := range e.AddProficiencies {
		k := key(w.Attribute, w.Value)
		switch lv, ok := had[k]; {
		case !ok:
			pc.add = append(pc.add, w)
			items = append(items, "+"+w.String())
		case lv != float32(w.Level):
			pc.update = append(pc.update, w)
			items = append(items, fmt.Sprintf("%s: %s -> %d", k, levelText(lv), w.Level))
		}
	}
	for _, r := range e.RemoveProficiencies {
		k := key(r.Attribute, r.Value)
		if lv, ok := had[k]; ok {
			pc.remove = append(pc.remove, agentfile.Proficiency{Attribute: r.Attribute, Value: r.Value})
			items = append(items, "-"+k+"|"+levelText(lv))
		}
	}
	if len(items) == 0 {
		return
	}
	sort.Slice(items, func(i, j int) bool { return strings.TrimLeft(items[i], "+-") < strings.TrimLeft(items[j], "+-") })
	up.profs = pc
	up.Changes = append(up.Changes, FieldChange{Field: fieldProficiencies, New: strings.Join(items, ", "), Aspect: AspectProficiencies, Set: true})
}

// levelText is a level as the column writes it: a whole number when it is
// one (levels set by the console may have a fraction).
func levelText(lv float32) string {
	if lv == float32(math.Trunc(float64(lv))) {
		return strconv.Itoa(int(lv))
	}
	return strconv.FormatFloat(float64(lv), 'f', -1, 32)
}

// listProficiencies reads a user's proficiencies (ListUserProficiencies,
// paced at its own rate).
func listProficiencies(ctx context.Context, api ProficiencyAPI, instanceID, userID string) ([]types.UserProficiency, error) {
	var out []types.UserProficiency
	p := connect.NewListUserProficienciesPaginator(api, &connect.ListUserProficienciesInput{
		InstanceId: aws.String(instanceID), UserId: aws.String(userID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.UserProficiencyList...)
	}
	return out, nil
}

// diffExtensions adds the changes of the extension columns. The
// proficiencies are read only with --update (found by search, or one
// ListUserProficiencies per row, at 2/s): a plain re-run that adds agents
// to a file of existing ones is not slowed by them, and its changes cell
// leaves them out. A row an interrupted run was changing (resumed) is
// listed, never searched: the search may not show that run's writes yet.
func (u *Updater) diffExtensions(ctx context.Context, pr *PlannedRow, user *types.User, up *UserUpdate, resumed bool) error {
	a := pr.Agent
	cell := func(c agentfile.Column) string { return strings.TrimSpace(u.File.Value(pr.Row, c)) }
	raw := cell(agentfile.GroupColumn(agentfile.GroupProficiencies))
	edit := raw == "" && a.EditsProficiencies()
	if raw == "" && !edit || !u.Update {
		return nil
	}
	diff := func(have []types.UserProficiency) {
		if edit {
			diffProficiencyEdits(up, a.Edits, have)
		} else {
			diffProficiencies(up, raw, a.Proficiencies, have)
		}
	}
	if u.held != nil && !resumed {
		diff(u.heldProficiencies(up.UserID))
		return nil
	}
	api, ok := u.Connect.(ProficiencyUpdater)
	if !ok {
		return errors.New("this client cannot read proficiencies")
	}
	have, err := listProficiencies(ctx, api, u.Instance.ID, up.UserID)
	if err != nil {
		return err
	}
	diff(have)
	return nil
}

// sendConfig is the per-channel settings' one UpdateUserConfig; it sets
// values, so a retry after a lost answer is safe.
func (u *Updater) sendConfig(ctx context.Context, up *UserUpdate) error {
	api, ok := u.Connect.(ConfigUpdater)
	if !ok {
		return errors.New("this client cannot update per-channel settings")
	}
	in := up.config
	in.InstanceId, in.UserId = aws.String(u.Instance.ID), aws.String(up.UserID)
	_, err := api.UpdateUserConfig(ctx, &in)
	return err
}

// sendProficiencies makes the user's proficiencies the row's.
// Associating one that is already there is refused, as the retry after a
// lost answer meets: after any error the user's proficiencies are listed
// again and what is still missing is sent (twice at most; a refusal that
// stays is the row's error).
func (u *Updater) sendProficiencies(ctx context.Context, up *UserUpdate) error {
	api, ok := u.Connect.(ProficiencyUpdater)
	if !ok {
		return errors.New("this client cannot update proficiencies")
	}
	err := u.proficiencySteps(ctx, api, up.UserID, up.profs)
	for try := 0; err != nil && ctx.Err() == nil && try < 2; try++ {
		have, lerr := listProficiencies(ctx, api, u.Instance.ID, up.UserID)
		if lerr != nil {
			return err
		}
		var again UserUpdate
		if up.profs.edits != nil {
			diffProficiencyEdits(&again, up.profs.edits, have)
		} else {
			diffProficiencies(&again, "set", up.profs.want, have)
		}
		pc := again.profs
		if pc.add == nil && pc.update == nil && pc.remove == nil {
			return nil // the change whose answer was lost had been made
		}
		err = u.proficiencySteps(ctx, api, up.UserID, pc)
	}
	return err
}

// proficiencySteps sends one change of proficiencies. Adding comes first
// while the user stays within the default quota of 10, so that it never
// has fewer than it should; otherwise removing comes first, to make room.
func (u *Updater) proficiencySteps(ctx context.Context, api ProficiencyUpdater, userID string, pc proficiencyChange) error {
	inst, user := aws.String(u.Instance.ID), aws.String(userID)
	associate := func() error {
		if len(pc.add) == 0 {
			return nil
		}
		_, err := api.AssociateUserProficiencies(ctx, &connect.AssociateUserProficienciesInput{InstanceId: inst, UserId: user, UserProficiencies: userProficiencies(pc.add)})
		return err
	}
	remove := func() error {
		if len(pc.remove) == 0 {
			return nil
		}
		gone := make([]types.UserProficiencyDisassociate, len(pc.remove))
		for i, p := range pc.remove {
			gone[i] = types.UserProficiencyDisassociate{AttributeName: aws.String(p.Attribute), AttributeValue: aws.String(p.Value)}
		}
		_, err := api.DisassociateUserProficiencies(ctx, &connect.DisassociateUserProficienciesInput{InstanceId: inst, UserId: user, UserProficiencies: gone})
		return err
	}
	steps := []func() error{remove, associate}
	if pc.had+len(pc.add) <= userProficiencyQuota {
		steps = []func() error{associate, remove}
	}
	if err := steps[0](); err != nil {
		return err
	}
	if len(pc.update) > 0 {
		if _, err := api.UpdateUserProficiencies(ctx, &connect.UpdateUserProficienciesInput{InstanceId: inst, UserId: user, UserProficiencies: userProficiencies(pc.update)}); err != nil {
			return err
		}
	}
	return steps[1]()
}
