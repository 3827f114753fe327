package io.fleetfed.core.fleet.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * A Secret's {@code stringData} is write-only: a real API server stores each value base64-encoded in {@code data}
 * (over a {@code data} value of the same key) and never returns it. A copy written from a template with
 * {@code stringData} is up to date when its {@code data} holds those values; fabric8's mock, which keeps
 * {@code stringData} as sent, is compared as it answers.
 */
class SecretStringDataTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  private static final String DESIRED = "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},"
      + "'data':{'kept':'a2VwdA==','both':'b2xk'},'stringData':{'token':'s3cret','both':'new'}}";

  @Test
  void aRealServersCopyHoldsStringDataInData() throws Exception {
    JsonNode stored = json("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},'type':'Opaque',"
        + "'data':{'kept':'a2VwdA==','both':'bmV3','token':'czNjcmV0'}}");
    assertThat(Retention.matches(json(DESIRED), stored)).isTrue();
    assertThat(Retention.differences(json(DESIRED), stored)).isEmpty();
  }

  @Test
  void aChangedValueIsDriftNamedByItsStringDataKey() throws Exception {
    JsonNode stored = json("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},"
        + "'data':{'kept':'a2VwdA==','both':'bmV3','token':'b3RoZXI='}}");
    assertThat(Retention.matches(json(DESIRED), stored)).isFalse();
    assertThat(Retention.differences(json(DESIRED), stored)).containsExactly("/stringData/token");
  }

  @Test
  void aMissingDataKeyIsDrift() throws Exception {
    JsonNode stored = json("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},"
        + "'data':{'both':'bmV3','token':'czNjcmV0'}}");
    assertThat(Retention.differences(json(DESIRED), stored)).containsExactly("/data/kept");
  }

  @Test
  void aServerThatKeepsStringDataIsComparedAsItAnswers() throws Exception {
    JsonNode mock = json("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},"
        + "'data':{'kept':'a2VwdA==','both':'b2xk'},'stringData':{'token':'s3cret','both':'new'}}");
    assertThat(Retention.matches(json(DESIRED), mock)).isTrue();
    JsonNode changed = json("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},"
        + "'data':{'kept':'a2VwdA==','both':'b2xk'},'stringData':{'token':'changed','both':'new'}}");
    assertThat(Retention.differences(json(DESIRED), changed)).containsExactly("/stringData/token");
  }
}
