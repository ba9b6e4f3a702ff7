package sdkvectors

import (
	"encoding/json"
	"fmt"
)

// j parses a JSON literal, so every input is exactly what the vectors file
// holds (numbers are float64, as they are for encoding/json and JavaScript).
func j(literal string) any {
	var v any
	if err := json.Unmarshal([]byte(literal), &v); err != nil {
		panic(fmt.Sprintf("bad JSON literal %s: %v", literal, err))
	}
	return v
}

func str(op, value string) Override { return Override{Op: op, Value: value} }

func labels(literal string) Override { return Override{Op: "setLabels", Value: j(literal)} }

var amazon = &ArtifactInput{ID: "us-east-1:ami-0abc", BuilderID: "mitchellh.amazonebs"}

func fromArtifactCases() []FromArtifactVector {
	return []FromArtifactVector{
		{Name: "defaults from the artifact", Artifact: amazon},
		{Name: "nil artifact", Artifact: nil},
		{Name: "nil artifact with overrides", Artifact: nil, Overrides: []Override{str("withId", "ami-1")}},
		{Name: "empty id and builder id", Artifact: &ArtifactInput{}},
		{Name: "withId", Artifact: amazon, Overrides: []Override{str("withId", "ami-0override")}},
		{Name: "withId empty", Artifact: amazon, Overrides: []Override{str("withId", "")}},
		{Name: "withRegion", Artifact: amazon, Overrides: []Override{str("withRegion", "eu-west-1")}},
		{Name: "withProvider", Artifact: amazon, Overrides: []Override{str("withProvider", "aws")}},
		{Name: "withProvider empty", Artifact: amazon, Overrides: []Override{str("withProvider", "")}},
		{Name: "withSourceId", Artifact: amazon, Overrides: []Override{str("withSourceId", "ami-0base")}},
		{Name: "setLabels strings", Artifact: amazon, Overrides: []Override{labels(`{"os":"linux","arch":"amd64"}`)}},
		{Name: "setLabels keeps only strings", Artifact: amazon, Overrides: []Override{
			labels(`{"s":"kept","n":42,"f":1.5,"t":true,"z":null,"a":["x"],"o":{"k":"v"},"e":""}`)}},
		{Name: "setLabels null", Artifact: amazon, Overrides: []Override{labels(`null`)}},
		{Name: "setLabels empty object", Artifact: amazon, Overrides: []Override{labels(`{}`)}},
		{Name: "setLabels twice merges, later wins", Artifact: amazon, Overrides: []Override{
			labels(`{"a":"1","b":"1"}`), labels(`{"b":"2","c":"2"}`)}},
		{Name: "setLabels unicode and odd keys", Artifact: amazon, Overrides: []Override{
			labels(`{"":"empty key","with space":"v","ümlaut":"ö","emoji":"🚀","dots.and/slashes":"x"}`)}},
		{Name: "every override", Artifact: amazon, Overrides: []Override{
			str("withId", "ami-0123"), str("withRegion", "us-west-2"), str("withProvider", "aws"),
			str("withSourceId", "ami-0base"), labels(`{"team":"platform"}`)}},
		{Name: "overrides apply in order, last wins", Artifact: amazon, Overrides: []Override{
			str("withId", "first"), str("withId", "second"), str("withRegion", "r1"), str("withRegion", "r2")}},
		{Name: "overrides fill an empty artifact", Artifact: &ArtifactInput{}, Overrides: []Override{
			str("withId", "img-1"), str("withProvider", "docker"), str("withSourceId", "ubuntu:24.04")}},
		{Name: "override error aborts", Artifact: amazon, Overrides: []Override{
			str("withId", "ami-1"), str("fail", "region lookup failed"), str("withRegion", "never")}},
		{Name: "override error first", Artifact: amazon, Overrides: []Override{str("fail", "boom")}},
		{Name: "whitespace values are kept", Artifact: &ArtifactInput{ID: " id ", BuilderID: "\tb\n"}, Overrides: []Override{
			str("withRegion", "  ")}},
	}
}

var fileArtifact = ArtifactInput{ID: "out.img", BuilderID: "packer.file"}

func fromMappedDataCases() []FromMappedDataVector {
	mk := func(name, data string) FromMappedDataVector {
		return FromMappedDataVector{Name: name, Artifact: fileArtifact, SourceID: "ami-0base", Data: j(data)}
	}
	return []FromMappedDataVector{
		mk("one region", `{"us-east-1":"ami-1"}`),
		mk("three regions", `{"us-east-1":"ami-1","eu-west-1":"ami-2","ap-south-1":"ami-3"}`),
		mk("empty map", `{}`),
		mk("empty string id", `{"us-east-1":""}`),
		mk("number value fails in the callback", `{"us-east-1":42}`),
		mk("null value fails in the callback", `{"us-east-1":null}`),
		mk("object value fails in the callback", `{"us-east-1":{"id":"ami-1"}}`),
		mk("array is not a map", `["ami-1","ami-2"]`),
		mk("empty array is not a map", `[]`),
		mk("string is not a map", `"ami-1"`),
		mk("number is not a map", `3`),
		mk("boolean is not a map", `true`),
		mk("null is not a map", `null`),
	}
}

func img(id, provider, region, source, labelsJSON string) ImageJSON {
	l := map[string]string{}
	if err := json.Unmarshal([]byte(labelsJSON), &l); err != nil {
		panic(err)
	}
	return ImageJSON{ImageID: id, ProviderName: provider, ProviderRegion: region, Labels: l, SourceImageID: source}
}

func validateCases() []ValidateVector {
	return []ValidateVector{
		{Name: "complete", Image: img("ami-1", "aws", "us-east-1", "ami-0", `{"a":"b"}`)},
		{Name: "region may be empty", Image: img("ami-1", "aws", "", "ami-0", `{}`)},
		{Name: "source image id empty", Image: img("ami-1", "aws", "us-east-1", "", `{}`)},
		{Name: "image id empty", Image: img("", "aws", "us-east-1", "ami-0", `{}`)},
		{Name: "provider name empty", Image: img("ami-1", "", "us-east-1", "ami-0", `{}`)},
		{Name: "image id and provider empty", Image: img("", "", "", "ami-0", `{}`)},
		{Name: "everything empty", Image: img("", "", "", "", `{}`)},
		{Name: "whitespace image id", Image: img(" ", "aws", "", "ami-0", `{}`)},
	}
}

func stringCases() []StringVector {
	return []StringVector{
		{Name: "complete", Image: img("ami-1", "aws", "us-east-1", "ami-0", `{"a":"b"}`)},
		{Name: "empty region", Image: img("ami-1", "aws", "", "ami-0", `{}`)},
		{Name: "all empty", Image: img("", "", "", "", `{}`)},
		{Name: "values with separators", Image: img("a, image:b", "p:q", "r, s", "", `{}`)},
		{Name: "unicode", Image: img("bild-ü", "wolke-🚀", "région", "", `{}`)},
	}
}

func decodeCases() []DecodeVector {
	mk := func(name, state string) DecodeVector { return DecodeVector{Name: name, State: j(state)} }
	return []DecodeVector{
		mk("nil state is skipped", `null`),
		mk("typed image", `{"$image":{"ImageID":"ami-1","ProviderName":"aws","ProviderRegion":"us-east-1","Labels":{"os":"linux"},"SourceImageID":"ami-0"}}`),
		mk("typed images", `[{"$image":{"ImageID":"ami-1","ProviderName":"aws","ProviderRegion":"us-east-1","SourceImageID":"ami-0"}},{"$image":{"ImageID":"ami-2","ProviderName":"aws","ProviderRegion":"eu-west-1","SourceImageID":"ami-0"}}]`),
		mk("typed image without labels", `{"$image":{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0"}}`),
		mk("wire object", `{"ImageID":"ami-1","ProviderName":"aws","ProviderRegion":"us-east-1","Labels":{"a":"b"},"SourceImageID":"ami-0"}`),
		mk("array of wire objects", `[{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0"},{"ImageID":"ami-2","ProviderName":"aws","SourceImageID":"ami-0"}]`),
		mk("empty array", `[]`),
		mk("empty object", `{}`),
		mk("camelCase keys", `{"imageId":"ami-1","providerName":"aws","providerRegion":"r","labels":{"a":"b"},"sourceImageId":"ami-0"}`),
		mk("lower and upper case keys", `{"imageid":"ami-1","PROVIDERNAME":"aws","ProviderREGION":"r","SOURCEIMAGEID":"ami-0"}`),
		mk("exact and folded key for one field", `{"ImageID":"exact","imageid":"folded","ProviderName":"aws","SourceImageID":"ami-0"}`),
		mk("unknown keys are ignored", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Extra":"x","Nested":{"a":1}}`),
		mk("snake_case keys are not fields", `{"image_id":"ami-1","provider_name":"aws","source_image_id":"ami-0"}`),
		mk("number id is weakly decoded", `{"ImageID":42,"ProviderName":"aws","SourceImageID":"ami-0"}`),
		mk("float id is weakly decoded", `{"ImageID":1.5,"ProviderName":"aws","SourceImageID":"ami-0"}`),
		mk("large number id", `{"ImageID":1e21,"ProviderName":"aws","SourceImageID":"ami-0"}`),
		mk("boolean id", `{"ImageID":true,"ProviderName":"aws","SourceImageID":"ami-0"}`),
		mk("null id", `{"ImageID":null,"ProviderName":"aws","SourceImageID":"ami-0"}`),
		mk("array id", `{"ImageID":["a"],"ProviderName":"aws","SourceImageID":"ami-0"}`),
		mk("object id", `{"ImageID":{"a":"b"},"ProviderName":"aws","SourceImageID":"ami-0"}`),
		mk("number label", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":{"n":42,"f":2.5}}`),
		mk("boolean labels", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":{"t":true,"f":false}}`),
		mk("null label", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":{"z":null}}`),
		mk("array label", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":{"a":["x"]}}`),
		mk("object label", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":{"o":{"k":"v"}}}`),
		mk("labels null", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":null}`),
		mk("labels is a string", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":"a=b"}`),
		mk("labels is an array of objects", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":[{"a":"1"},{"b":"2"}]}`),
		mk("labels is an empty array", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":[]}`),
		mk("label key named constructor", `{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0","Labels":{"constructor":"x"}}`),
		mk("missing mandatory fields", `{"ProviderRegion":"us-east-1"}`),
		mk("missing source image id", `{"ImageID":"ami-1","ProviderName":"aws"}`),
		mk("missing provider name", `{"ImageID":"ami-1","SourceImageID":"ami-0"}`),
		mk("string state", `"ami-1"`),
		mk("number state", `7`),
		mk("boolean state", `true`),
		mk("array with a string", `[{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0"},"ami-2"]`),
		mk("array with null", `[null]`),
		mk("nested array", `[[{"ImageID":"ami-1","ProviderName":"aws","SourceImageID":"ami-0"}]]`),
	}
}

// Cases is the whole input table, results not yet filled in.
func Cases() Document {
	return Document{
		FromArtifact:   fromArtifactCases(),
		FromMappedData: fromMappedDataCases(),
		Validate:       validateCases(),
		String:         stringCases(),
		Decode:         decodeCases(),
	}
}
