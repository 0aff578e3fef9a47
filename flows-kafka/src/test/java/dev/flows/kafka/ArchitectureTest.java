package dev.flows.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.kafka.internal.KafkaSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Executable;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE rule 7 for this module: no public or protected signature of a public flows-kafka class names a
 * type of an {@code internal} package (this module's or flows-core's). Which modules may import which
 * {@code internal} packages is checked for every module by flows-core's {@code ArchitectureTest}.
 */
class ArchitectureTest {

  @Test
  void shouldNameNoInternalTypeInAnyPublicSignatureWhenTheKafkaApiIsInspected() throws ClassNotFoundException {
    Path classes = classesOf(KafkaConnector.class);
    List<Class<?>> api = new ArrayList<>();
    for (String name : classNames(classes)) {
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      if (!isInternal(type.getPackageName()) && isExposed(type)) {
        api.add(type);
      }
    }
    assertTrue(api.contains(KafkaConnector.class), "expected the public flows-kafka API under " + classes + ": " + api);

    List<String> leaks = api.stream().flatMap(type -> leaksOf(type).stream()).toList();

    assertEquals(List.of(), leaks, "public signatures must not name internal types (STYLE rule 7):\n" + String.join("\n", leaks));
  }

  /** Leaks on purpose, to prove the check sees members, type arguments and supertypes. */
  public abstract static class Leaky implements Comparable<KafkaSink> {
    public abstract List<? extends KafkaSink> sinks();

    protected abstract void use(dev.flows.internal.runtime.Batch batch);

    public abstract String fine();
  }

  @Test
  void shouldFindInternalTypesWhenAPublicClassLeaksThem() {
    String leaky = Leaky.class.getName();

    assertEquals(Set.of(
        leaky + " implements names " + KafkaSink.class.getName(),
        leaky + ".sinks names " + KafkaSink.class.getName(),
        leaky + ".use names dev.flows.internal.runtime.Batch"), new HashSet<>(leaksOf(Leaky.class)));
  }

  private static boolean isInternal(String packageName) {
    return Arrays.asList(packageName.split("\\.")).contains("internal");
  }

  private static boolean isExposed(Class<?> type) {
    if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic() || !Modifier.isPublic(type.getModifiers())) {
      return false;
    }
    return type.getEnclosingClass() == null || isExposed(type.getEnclosingClass());
  }

  /** {@code "<member> names <internal type>"} for each internal type an exposed signature of {@code type} names. */
  private static List<String> leaksOf(Class<?> type) {
    Set<String> leaks = new TreeSet<>();
    report(type.getName() + " (type parameters)", List.of(type.getTypeParameters()), leaks);
    report(type.getName() + " extends", type.getGenericSuperclass() == null ? List.of() : List.of(type.getGenericSuperclass()), leaks);
    report(type.getName() + " implements", List.of(type.getGenericInterfaces()), leaks);
    List<Member> members = new ArrayList<>();
    members.addAll(List.of(type.getDeclaredConstructors()));
    members.addAll(List.of(type.getDeclaredMethods()));
    members.addAll(List.of(type.getDeclaredFields()));
    for (Member member : members) {
      boolean visible = Modifier.isPublic(member.getModifiers()) || Modifier.isProtected(member.getModifiers());
      if (visible && !member.isSynthetic() && !(member instanceof Method m && m.isBridge())) {
        report(type.getName() + "." + member.getName(), signature(member), leaks);
      }
    }
    return List.copyOf(leaks);
  }

  private static List<Type> signature(Member member) {
    List<Type> types = new ArrayList<>();
    if (member instanceof Executable e) {
      types.addAll(List.of(e.getTypeParameters()));
      types.addAll(List.of(e.getGenericParameterTypes()));
      types.addAll(List.of(e.getGenericExceptionTypes()));
    }
    if (member instanceof Method m) {
      types.add(m.getGenericReturnType());
    }
    if (member instanceof java.lang.reflect.Field f) {
      types.add(f.getGenericType());
    }
    return types;
  }

  private static void report(String member, List<Type> types, Set<String> leaks) {
    Set<Class<?>> named = new LinkedHashSet<>();
    Set<Type> seen = new HashSet<>();
    types.forEach(t -> collect(t, named, seen));
    named.stream().filter(c -> isInternal(c.getPackageName())).forEach(c -> leaks.add(member + " names " + c.getName()));
  }

  private static void collect(Type type, Set<Class<?>> named, Set<Type> seen) {
    if (type == null || !seen.add(type)) {
      return;
    }
    if (type instanceof Class<?> c) {
      if (c.isArray()) {
        collect(c.getComponentType(), named, seen);
      } else {
        named.add(c);
      }
    } else if (type instanceof ParameterizedType p) {
      collect(p.getRawType(), named, seen);
      collect(p.getOwnerType(), named, seen);
      Arrays.stream(p.getActualTypeArguments()).forEach(t -> collect(t, named, seen));
    } else if (type instanceof WildcardType w) {
      Stream.concat(Arrays.stream(w.getUpperBounds()), Arrays.stream(w.getLowerBounds())).forEach(t -> collect(t, named, seen));
    } else if (type instanceof TypeVariable<?> v) {
      Arrays.stream(v.getBounds()).forEach(t -> collect(t, named, seen));
    } else if (type instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), named, seen);
    }
  }

  private static List<String> classNames(Path classes) {
    try (Stream<Path> files = Files.walk(classes)) {
      return files.map(p -> classes.relativize(p).toString())
          .filter(p -> p.endsWith(".class") && !p.endsWith("module-info.class") && !p.endsWith("package-info.class"))
          .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path classesOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
