package org.careledger.interfaces.soap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the SOAP interface's mapping of service results onto its JAXB types ({@link SoapTypes}):
 * every type made from a service record, from records of fuzzed values (any string, null included,
 * any number; times are never null, as the services guarantee, except a record's registration time
 * in search results), must carry each value into the field of the same name, a time as its ISO 8601
 * text and a list element by element. The SOAP endpoint's only mapping of request input, its query
 * times, is {@link org.careledger.interfaces.rest.ledger.RecordResource#instant}, which {@code
 * RestInputMappingFuzzTest} covers. Pure: nothing is written.
 */
class SoapTypesFuzzTest {

  /** Bean fields named differently from the record component they come from. */
  private static final Map<String, String> RENAMED =
      Map.of("grantee", "grantees", "grant", "grants");

  /** The SOAP types made from a service record, by reflection so a new one is covered too. */
  private static final List<Constructor<?>> MAPPINGS =
      Arrays.stream(SoapTypes.class.getDeclaredClasses())
          .flatMap(type -> Arrays.stream(type.getDeclaredConstructors()))
          .filter(c -> c.getParameterCount() == 1 && c.getParameterTypes()[0].isRecord())
          .peek(c -> c.setAccessible(true))
          .toList();

  @FuzzTest
  void map(FuzzedDataProvider data) throws Exception {
    assertThat(MAPPINGS).hasSizeGreaterThanOrEqualTo(10);
    Constructor<?> mapping = MAPPINGS.get(data.consumeInt(0, MAPPINGS.size() - 1));
    Object record = record(mapping.getParameterTypes()[0], data);
    check(mapping.newInstance(record), record);
  }

  private static void check(Object bean, Object record) throws Exception {
    for (Field field : bean.getClass().getFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      String name = RENAMED.getOrDefault(field.getName(), field.getName());
      RecordComponent component =
          Arrays.stream(record.getClass().getRecordComponents())
              .filter(c -> c.getName().equals(name))
              .findFirst()
              .orElse(null);
      if (component == null) {
        continue; // set by the endpoint itself (a document's content), not from the record
      }
      Object expected = component.getAccessor().invoke(record);
      Object actual = field.get(bean);
      if (expected instanceof Instant instant) {
        assertThat(actual).isEqualTo(instant.toString());
      } else if (expected instanceof List<?> list
          && !list.isEmpty()
          && list.get(0).getClass().isRecord()) {
        List<?> beans = (List<?>) actual;
        assertThat(beans).hasSameSizeAs(list);
        for (int i = 0; i < list.size(); i++) {
          check(beans.get(i), list.get(i));
        }
      } else {
        assertThat(actual).as(field.getName()).isEqualTo(expected);
      }
    }
  }

  private static Object record(Class<?> type, FuzzedDataProvider data) throws Exception {
    RecordComponent[] components = type.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = value(components[i], data);
    }
    Constructor<?> canonical = type.getDeclaredConstructor(types);
    canonical.setAccessible(true);
    return canonical.newInstance(values);
  }

  private static Object value(RecordComponent component, FuzzedDataProvider data) throws Exception {
    Class<?> type = component.getType();
    if (type == String.class) {
      return data.consumeBoolean() ? null : data.consumeString(30);
    } else if (type == long.class) {
      return data.consumeLong();
    } else if (type == int.class) {
      return data.consumeInt();
    } else if (type == boolean.class) {
      return data.consumeBoolean();
    } else if (type == Instant.class) {
      boolean nullable =
          component.getName().equals("registeredAt")
              && component.getDeclaringRecord().getSimpleName().equals("Found");
      return nullable && data.consumeBoolean()
          ? null
          : Instant.ofEpochSecond(
              data.consumeLong(-31_557_014_167_219_200L, 31_556_889_864_403_199L));
    } else if (type == List.class) {
      Type element = ((ParameterizedType) component.getGenericType()).getActualTypeArguments()[0];
      if (data.consumeBoolean() && !element.equals(String.class)) {
        return null; // a decision on a record request carries no grant list
      }
      List<Object> list = new ArrayList<>();
      int size = data.consumeInt(0, 3);
      for (int i = 0; i < size; i++) {
        list.add(
            element.equals(String.class)
                ? data.consumeString(20)
                : record((Class<?>) element, data));
      }
      return list;
    }
    throw new AssertionError("no fuzzed value for " + component + " yet: add one");
  }
}
