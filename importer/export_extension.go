package importer

import (
	"math"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/agentfile"
)

// describedChannels takes a user's per-channel settings from DescribeUser, whose
// ACW limits are in seconds (the model's unit; SearchUsers' unit for its
// per-channel lists is not documented), beyond the voice channel's auto
// accept and ACW, which the console's columns hold. A channel the answer
// does not list stays nil: its cell is left blank.
func describedChannels(u *types.User) agentfile.ChannelSettings {
	var c agentfile.ChannelSettings
	for _, a := range u.AutoAcceptConfigs {
		ch, ok := channelNamed(a.Channel)
		switch {
		case !ok:
		case ch == agentfile.ChannelVoice:
			c.CallbackAutoAccept = clonePtr(a.AgentFirstCallbackAutoAccept)
		default:
			c.AutoAccept[ch] = aws.Bool(a.AutoAccept)
		}
	}
	for _, a := range u.AfterContactWorkConfigs {
		ch, ok := channelNamed(a.Channel)
		switch {
		case !ok:
		case ch == agentfile.ChannelVoice:
			if cb := a.AgentFirstCallbackAfterContactWorkConfig; cb != nil {
				c.CallbackACW = aws.Int32(cb.AfterContactWorkTimeLimit)
			}
		case a.AfterContactWorkConfig != nil:
			c.ACW[ch] = aws.Int32(a.AfterContactWorkConfig.AfterContactWorkTimeLimit)
		}
	}
	for _, p := range u.PersistentConnectionConfigs {
		if p.Channel == types.ChannelVoice && p.PersistentConnection != nil {
			c.PersistentConnection = clonePtr(p.PersistentConnection)
		}
	}
	if c.PersistentConnection == nil && u.PhoneConfig != nil && u.PhoneConfig.PersistentConnection != nil {
		c.PersistentConnection = clonePtr(u.PhoneConfig.PersistentConnection)
	}
	for _, v := range u.VoiceEnhancementConfigs {
		if v.Channel == types.ChannelVoice {
			c.VoiceEnhancement = string(v.VoiceEnhancementMode)
		}
	}
	return c
}

func channelNamed(ch types.Channel) (agentfile.Channel, bool) {
	for i, n := range agentfile.ChannelNames {
		if string(ch) == n {
			return agentfile.Channel(i), true
		}
	}
	return 0, false
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// extensionValues gives a user's per-channel settings and proficiencies
// as the template's values. A cell that is not blank replaces the user's
// whole set of proficiencies on import --update, so one proficiency the
// template cannot carry (a level that is not a whole number) leaves them
// all out, with a warning, rather than a cell that would drop it.
func extensionValues(a *agentfile.Agent, u *UserSnapshot, warn func(string, ...any)) {
	c := u.Channels
	if !agentfile.KnownEnhancement(c.VoiceEnhancement) {
		warn("voice enhancement %q is not a mode the template knows: its cell is left blank", c.VoiceEnhancement)
		c.VoiceEnhancement = ""
	}
	a.Channels = &c
	for _, p := range u.Proficiencies {
		lv := float64(p.Level)
		if lv != math.Trunc(lv) || lv < minLevel || lv > maxLevel {
			warn("proficiency %s|%s has level %g, which the template cannot carry (a whole number from 1 to 5): the proficiencies cell is left blank", p.Attribute, p.Value, lv)
			a.Proficiencies = nil
			return
		}
		if strings.Contains(p.Attribute, "|") || strings.Contains(p.Value, "|") {
			warn("proficiency %q|%q holds |, which the template uses between attribute, value and level: it will not read back as written", p.Attribute, p.Value)
		}
		a.Proficiencies = append(a.Proficiencies, agentfile.Proficiency{Attribute: p.Attribute, Value: p.Value, Level: int(lv)})
	}
}
