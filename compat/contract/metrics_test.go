package contract

import (
	"fmt"
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads the registry's /metrics (public: the harness listens on
// 127.0.0.1) and parses it with Prometheus's own text parser.
func scrape(t *testing.T, r *run) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(r.server.URL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: HTTP %d", resp.StatusCode)
	}
	if format := expfmt.ResponseFormat(resp.Header); format.FormatType() != expfmt.TypeTextPlain {
		t.Fatalf("GET /metrics: Content-Type %q is not the text format", resp.Header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse as Prometheus text: %v", err)
	}
	return families
}

// labelsOf is a metric's labels as a map.
func labelsOf(m *dto.Metric) map[string]string {
	labels := map[string]string{}
	for _, pair := range m.GetLabel() {
		labels[pair.GetName()] = pair.GetValue()
	}
	return labels
}

// find is the metric of family name whose labels include want, or nil.
func find(families map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	for _, m := range families[name].GetMetric() {
		labels := labelsOf(m)
		matches := true
		for k, v := range want {
			if labels[k] != v {
				matches = false
			}
		}
		if matches {
			return m
		}
	}
	return nil
}

func TestMetricsExposition(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		bucket := fmt.Sprintf("metrics-%s", r.engine)
		try(createBucket(r.admin, bucket, "scraped", nil)).must(t, "CreateBucket")
		getBucketOK := map[string]string{"route": "GetBucket", "method": "GET", "status": "200"}
		before := find(scrape(t, r), "imprint_http_requests_total", getBucketOK).GetCounter().GetValue()
		try(getBucket(r.viewer, bucket)).must(t, "GetBucket")
		families := scrape(t, r)

		types := map[string]dto.MetricType{
			"imprint_http_requests_total":           dto.MetricType_COUNTER,
			"imprint_http_request_duration_seconds": dto.MetricType_HISTOGRAM,
			"imprint_http_requests_in_flight":       dto.MetricType_GAUGE,
			"imprint_builds_completed_total":        dto.MetricType_COUNTER,
			"imprint_versions_completed_total":      dto.MetricType_COUNTER,
			"imprint_revocations_total":             dto.MetricType_COUNTER,
			"imprint_revocations_applied_total":     dto.MetricType_COUNTER,
			"imprint_builds_cancelled_total":        dto.MetricType_COUNTER,
			"imprint_db_query_duration_seconds":     dto.MetricType_HISTOGRAM,
			"imprint_read_cache_hits_total":         dto.MetricType_COUNTER,
			"imprint_read_cache_misses_total":       dto.MetricType_COUNTER,
			"imprint_process_cpu_seconds_total":     dto.MetricType_COUNTER,
			"imprint_process_resident_memory_bytes": dto.MetricType_GAUGE,
		}
		if r.engine == "postgres" {
			types["imprint_db_pool_connections"] = dto.MetricType_GAUGE
			types["imprint_db_pool_idle_connections"] = dto.MetricType_GAUGE
			types["imprint_db_pool_waiting_requests"] = dto.MetricType_GAUGE
		} else if _, ok := families["imprint_db_pool_connections"]; ok {
			t.Errorf("imprint_db_pool_connections on %s: the pool is PostgreSQL's", r.engine)
		}
		for name, want := range types {
			family, ok := families[name]
			if !ok {
				t.Errorf("no family %s", name)
				continue
			}
			if family.GetType() != want {
				t.Errorf("%s is a %s, want %s", name, family.GetType(), want)
			}
		}

		got := find(families, "imprint_http_requests_total", getBucketOK)
		if got == nil || got.GetCounter().GetValue() < before+1 {
			t.Errorf("imprint_http_requests_total%v: %v after one more GetBucket, was %v", getBucketOK, got, before)
		}
		for _, m := range families["imprint_http_requests_total"].GetMetric() {
			labels := labelsOf(m)
			if len(labels) != 3 || labels["route"] == "" || labels["method"] == "" || labels["status"] == "" {
				t.Errorf("imprint_http_requests_total has labels %v, want route, method and status", labels)
			}
		}
		duration := find(families, "imprint_http_request_duration_seconds", getBucketOK).GetHistogram()
		if duration.GetSampleCount() < 1 || len(duration.GetBucket()) == 0 {
			t.Errorf("imprint_http_request_duration_seconds%v: %v", getBucketOK, duration)
		}
		queries := find(families, "imprint_db_query_duration_seconds", map[string]string{"engine": r.engine, "outcome": "ok"})
		if queries.GetHistogram().GetSampleCount() == 0 {
			t.Errorf("no imprint_db_query_duration_seconds{engine=%q,outcome=\"ok\"} samples", r.engine)
		}
	})
}
