package io.fleetfed.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode apply(String current, String patch) throws Exception {
    return StrategicMergePatch.apply(JSON.readTree(current.replace('\'', '"')), JSON.readTree(patch.replace('\'', '"')));
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void mapsMergeAndNullDeletes() throws Exception {
    assertThat(apply("{'a':1,'b':{'c':2,'d':3}}", "{'b':{'c':null,'e':4},'f':5}"))
        .isEqualTo(json("{'a':1,'b':{'d':3,'e':4},'f':5}"));
  }

  @Test
  void aListWithSetElementOrderMergesByTheKeyOfItsEntriesAndIsReordered() throws Exception {
    String current = "{'containers':[{'name':'a','image':'a:1','ports':[{'containerPort':80}]},"
        + "{'name':'b','image':'b:1'}]}";
    String patch = "{'$setElementOrder/containers':[{'name':'b'},{'name':'a'},{'name':'c'}],"
        + "'containers':[{'name':'a','image':'a:2'},{'name':'c','image':'c:1'}]}";
    assertThat(apply(current, patch)).isEqualTo(json("{'containers':[{'name':'b','image':'b:1'},"
        + "{'name':'a','image':'a:2','ports':[{'containerPort':80}]},{'name':'c','image':'c:1'}]}"));
  }

  @Test
  void patchDeleteRemovesAnEntryOfAMergingList() throws Exception {
    String current = "{'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}";
    String patch = "{'$setElementOrder/env':[{'name':'A'}],'env':[{'$patch':'delete','name':'B'}]}";
    assertThat(apply(current, patch)).isEqualTo(json("{'env':[{'name':'A','value':'1'}]}"));
  }

  @Test
  void wellKnownMergingListsMergeWithoutDirectives() throws Exception {
    String current = "{'volumeMounts':[{'mountPath':'/a','name':'x'},{'mountPath':'/b','name':'y'}]}";
    String patch = "{'volumeMounts':[{'mountPath':'/b','readOnly':true}]}";
    assertThat(apply(current, patch)).isEqualTo(json(
        "{'volumeMounts':[{'mountPath':'/a','name':'x'},{'mountPath':'/b','name':'y','readOnly':true}]}"));
  }

  @Test
  void otherListsAreReplaced() throws Exception {
    assertThat(apply("{'args':['a','b'],'tolerations':[{'key':'x'}]}", "{'args':['c'],'tolerations':[]}"))
        .isEqualTo(json("{'args':['c'],'tolerations':[]}"));
  }

  @Test
  void primitiveMergeListsUnionAndDeleteFromPrimitiveListRemoves() throws Exception {
    String current = "{'metadata':{'finalizers':['a','b']}}";
    assertThat(apply(current, "{'metadata':{'$setElementOrder/finalizers':['a','b','c'],'finalizers':['c']}}"))
        .isEqualTo(json("{'metadata':{'finalizers':['a','b','c']}}"));
    assertThat(apply(current, "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}"))
        .isEqualTo(json("{'metadata':{'finalizers':['b']}}"));
  }

  @Test
  void replaceAndRetainKeysDirectives() throws Exception {
    assertThat(apply("{'spec':{'a':1,'b':2}}", "{'spec':{'$patch':'replace','c':3}}"))
        .isEqualTo(json("{'spec':{'c':3}}"));
    assertThat(apply("{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}",
        "{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}"))
        .isEqualTo(json("{'strategy':{'type':'Recreate'}}"));
  }

  @Test
  void theCurrentObjectIsNotChanged() throws Exception {
    JsonNode current = json("{'a':{'b':1}}");
    StrategicMergePatch.apply(current, json("{'a':{'b':2}}"));
    assertThat(current).isEqualTo(json("{'a':{'b':1}}"));
  }
}
