package agentfile

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Proficiency is one routing proficiency of an agent: a predefined
// attribute, one of its values, and a level from 1 to 5.
type Proficiency struct {
	Attribute string
	Value     string
	Level     int
}

// String is the proficiency as the column writes it: Language|English|4.
func (p Proficiency) String() string {
	return p.Attribute + "|" + p.Value + "|" + strconv.Itoa(p.Level)
}

// Channel indexes the per-channel settings, in the API's channel names.
type Channel int

const (
	ChannelVoice Channel = iota
	ChannelChat
	ChannelTask
	ChannelEmail
	ChannelCount
)

// ChannelNames are the API's names of the channels, by Channel.
var ChannelNames = [ChannelCount]string{"VOICE", "CHAT", "TASK", "EMAIL"}

// ChannelSettings are a row's per-channel settings. A nil pointer is a
// setting the row leaves blank: CreateUser does not send it. The voice
// channel's auto accept and ACW are Agent.AutoAccept and Agent.ACWTimeout;
// VoiceAutoAcceptSet and VoiceACWSet say whether a per-channel column set
// them, which decides the form CreateUser sends them in.
type ChannelSettings struct {
	AutoAccept           [ChannelCount]*bool  // CHAT, TASK, EMAIL (VOICE unused)
	ACW                  [ChannelCount]*int32 // CHAT, TASK, EMAIL (VOICE unused)
	VoiceAutoAcceptSet   bool
	VoiceACWSet          bool
	CallbackAutoAccept   *bool  // VOICE agent-first callbacks
	CallbackACW          *int32 // VOICE agent-first callbacks
	PersistentConnection *bool
	VoiceEnhancement     string // VOICE_ISOLATION, NOISE_SUPPRESSION or NONE; "" not given
}

// PerChannelAutoAccept says whether CreateUser sends auto accept as
// AutoAcceptConfigs (then never PhoneConfig.AutoAccept): when any
// per-channel auto accept column is filled in.
func (c *ChannelSettings) PerChannelAutoAccept() bool {
	if c == nil {
		return false
	}
	return c.VoiceAutoAcceptSet || c.CallbackAutoAccept != nil || c.AutoAccept[ChannelChat] != nil ||
		c.AutoAccept[ChannelTask] != nil || c.AutoAccept[ChannelEmail] != nil
}

// PerChannelACW says whether CreateUser sends the ACW timeout as
// AfterContactWorkConfigs (then never PhoneConfig.AfterContactWorkTimeLimit).
func (c *ChannelSettings) PerChannelACW() bool {
	if c == nil {
		return false
	}
	return c.VoiceACWSet || c.CallbackACW != nil || c.ACW[ChannelChat] != nil ||
		c.ACW[ChannelTask] != nil || c.ACW[ChannelEmail] != nil
}

// extensionColumn is an extension column (columnTable), with how its
// cells are read and its channel.
type extensionColumn struct {
	column  Column
	kind    Kind
	channel Channel
}

// Limits of the proficiency API (docs/aws.md §7).
const (
	maxProficiencies    = 10 // per user, the default quota
	maxProficiencyName  = 100
	proficiencyExample  = "Language|English|4||Skill|Billing|2"
	minProficiencyLevel = 1
	maxProficiencyLevel = 5
)

// checkExtensions reads the extension columns of a row into a, each cell
// by its column's index in the record.
func (rc *rowCheck) checkExtensions(a *Agent) {
	var ch ChannelSettings
	any := false
	for _, x := range rc.lay.extensions {
		s := rc.cell(x.column)
		if s == "" || x.column == ColProficiencies && s == ClearCell {
			continue // (none): import --update removes the user's proficiencies
		}
		switch x.column {
		case ColProficiencies:
			a.Proficiencies = rc.checkProficienciesIn(ColProficiencies, s)
			continue
		case ColVoiceAutoAccept:
			v, ok := rc.yesNo(x.column, s)
			if !ok {
				continue
			}
			if console := rc.cell(fieldOf(x.column)); console != "" && a.AutoAccept != v {
				rc.problem(x.column, s, fmt.Sprintf("%s says %s but %s says %s: the voice channel's auto accept is given two ways", rc.lay.name(x.column), Quote(s), rc.lay.name(fieldOf(x.column)), Quote(console)),
					"fill in one of the two columns, or make them agree")
				continue
			}
			a.AutoAccept, ch.VoiceAutoAcceptSet = v, true
		case ColVoiceACW:
			v, ok := rc.acw(x.column, s)
			if !ok {
				continue
			}
			if console := rc.cell(fieldOf(x.column)); console != "" && a.ACWTimeout != v {
				rc.problem(x.column, s, fmt.Sprintf("%s says %s but %s says %s: the voice channel's ACW timeout is given two ways", rc.lay.name(x.column), Quote(s), rc.lay.name(fieldOf(x.column)), Quote(console)),
					"fill in one of the two columns, or make them agree")
				continue
			}
			a.ACWTimeout, ch.VoiceACWSet = v, true
		case ColCallbackAutoAccept:
			if v, ok := rc.yesNo(x.column, s); ok {
				ch.CallbackAutoAccept = &v
			}
		case ColCallbackACW:
			if v, ok := rc.acw(x.column, s); ok {
				ch.CallbackACW = &v
			}
		case ColPersistentConnection:
			if v, ok := rc.yesNo(x.column, s); ok {
				ch.PersistentConnection = &v
			}
		case ColVoiceEnhancement:
			if v, ok := rc.enhancement(x.column, s); ok {
				ch.VoiceEnhancement = v
			}
		default:
			switch x.kind {
			case KindYesNo:
				if v, ok := rc.yesNo(x.column, s); ok {
					ch.AutoAccept[x.channel] = &v
				}
			case KindSeconds:
				if v, ok := rc.acw(x.column, s); ok {
					ch.ACW[x.channel] = &v
				}
			}
		}
		any = true
	}
	if any {
		// A copy, so that ch itself stays on the stack: most rows set none.
		set := ch
		a.Channels = &set
	}
}

func (rc *rowCheck) yesNo(c Column, s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "no", "n", "false":
		return false, true
	case "yes", "y", "true":
		return true, true
	}
	rc.problem(c, s, Quote(s)+" is neither yes nor no", "write yes or no")
	return false, false
}

func (rc *rowCheck) acw(c Column, s string) (int32, bool) {
	const hint = "write a whole number of seconds from 0 to 2000000 (0 means no limit)"
	n := 0
	for i := 0; i < len(s); i++ {
		d := s[i]
		if d < '0' || d > '9' {
			rc.problem(c, s, Quote(s)+" is not a whole number of seconds", hint)
			return 0, false
		}
		if n <= maxACW {
			n = n*10 + int(d-'0')
		}
	}
	if n > maxACW {
		rc.problem(c, s, fmt.Sprintf("%s seconds is more than %d", Quote(s), maxACW), hint)
		return 0, false
	}
	return int32(n), true
}

// enhancement reads a voice enhancement mode: the column's short words or
// the API's names.
func (rc *rowCheck) enhancement(c Column, s string) (string, bool) {
	if mode, ok := enhancementMode(s); ok {
		return mode, true
	}
	words := make([]string, len(enhancementWords))
	for i, w := range enhancementWords {
		words[i] = w.word
	}
	rc.problem(c, s, Quote(s)+" is not a voice enhancement mode", "write "+strings.Join(words[:len(words)-1], ", ")+" or "+words[len(words)-1])
	return "", false
}

// checkProficiencies parses attribute|value|level triples joined by ||.
func (rc *rowCheck) checkProficienciesIn(c Column, s string) []Proficiency {
	const hint = "write attribute|value|level triples joined by ||, level 1 to 5: " + proficiencyExample
	parts := strings.Split(s, "||")
	var out []Proficiency
	seen := map[string]bool{}
	bad := false
	for _, part := range parts {
		part = trim(part)
		if part == "" {
			rc.problem(c, s, "an empty proficiency between ||", hint)
			bad = true
			continue
		}
		f := strings.Split(part, "|")
		if len(f) != 3 {
			rc.problem(c, s, fmt.Sprintf("%s is not attribute|value|level", Quote(part)), hint)
			bad = true
			continue
		}
		p := Proficiency{Attribute: trim(f[0]), Value: trim(f[1])}
		for _, name := range []string{p.Attribute, p.Value} {
			switch {
			case name == "":
				rc.problem(c, s, fmt.Sprintf("%s has an empty attribute or value", Quote(part)), hint)
				bad = true
			case utf8.RuneCountInString(name) > maxProficiencyName:
				rc.problem(c, s, fmt.Sprintf("%s is longer than %d characters", Quote(name), maxProficiencyName), "predefined attribute names and values have at most 100 characters")
				bad = true
			}
		}
		lv := trim(f[2])
		n, err := strconv.Atoi(lv)
		if err != nil || n < minProficiencyLevel || n > maxProficiencyLevel {
			rc.problem(c, s, fmt.Sprintf("level %s of %s is not a whole number from 1 to 5", Quote(lv), Quote(p.Attribute+"|"+p.Value)), hint)
			bad = true
			continue
		}
		p.Level = n
		key := p.Attribute + "|" + p.Value
		if seen[key] {
			rc.problem(c, s, fmt.Sprintf("%s is given twice", Quote(key)), "give each attribute|value once")
			bad = true
			continue
		}
		seen[key] = true
		out = append(out, p)
	}
	if len(parts) > maxProficiencies {
		rc.problem(c, s, fmt.Sprintf("%d proficiencies; a user has at most %d", len(parts), maxProficiencies),
			"keep the 10 that matter most for routing (the quota can be raised in Service Quotas, then add the rest in the Connect admin website)")
		bad = true
	}
	if bad {
		return nil
	}
	return out
}
