package dev.flows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds internal types named by a public API: every type reachable from the signatures of public
 * and protected members, type parameters, superclasses and interfaces of public classes. Shipped in
 * the core test-jar, so every module checks STYLE rule 7 with one piece of code.
 */
public final class PublicApi {
  private PublicApi() {}

  /**
   * The leaks of the module whose compiled classes hold {@code anchor} (a public class of it): one
   * line per exposed member naming an internal type. Fails if the scan finds no public API.
   */
  public static List<String> leaks(Class<?> anchor) {
    Path classes;
    try {
      classes = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<Class<?>> exposed = new ArrayList<>();
    for (String name : classNames(classes)) {
      Class<?> type = load(name, anchor.getClassLoader());
      if (!isInternal(type.getPackageName()) && isExposed(type)) {
        exposed.add(type);
      }
    }
    if (!exposed.contains(anchor)) {
      throw new AssertionError(
          "expected " + anchor.getName() + " in the public API under " + classes + ": " + exposed);
    }
    return exposed.stream().flatMap(type -> leaksOf(type).stream()).map(Leak::toString).toList();
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A public member and the internal type its signature names. */
  record Leak(String member, String internalType) {
    @Override
    public String toString() {
      return member + " names " + internalType;
    }
  }

  /** Whether a package is internal: one of its segments is {@code internal}. */
  static boolean isInternal(String packageName) {
    return Arrays.asList(packageName.split("\\.")).contains("internal");
  }

  /** The names of the classes compiled into {@code classesDir}, sorted. */
  static List<String> classNames(Path classesDir) {
    try (Stream<Path> files = Files.walk(classesDir)) {
      return files
          .map(p -> classesDir.relativize(p).toString())
          .filter(
              p ->
                  p.endsWith(".class")
                      && !p.endsWith("module-info.class")
                      && !p.endsWith("package-info.class"))
          .map(
              p ->
                  p.substring(0, p.length() - ".class".length())
                      .replace('/', '.')
                      .replace('\\', '.'))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether code outside the package can name {@code type}: it and every enclosing class are
   * public.
   */
  static boolean isExposed(Class<?> type) {
    if (type.isAnonymousClass()
        || type.isLocalClass()
        || type.isSynthetic()
        || !Modifier.isPublic(type.getModifiers())) {
      return false;
    }
    return type.getEnclosingClass() == null || isExposed(type.getEnclosingClass());
  }

  /** The internal types named by the exposed signatures of {@code type}, in a stable order. */
  static List<Leak> leaksOf(Class<?> type) {
    List<Leak> leaks = new ArrayList<>();
    String name = type.getName();
    check(name + " (type parameters)", List.of(type.getTypeParameters()), leaks);
    if (type.getGenericSuperclass() != null) {
      check(name + " extends", List.of(type.getGenericSuperclass()), leaks);
    }
    check(name + " implements", List.of(type.getGenericInterfaces()), leaks);
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      if (isVisible(constructor.getModifiers()) && !constructor.isSynthetic()) {
        checkExecutable(name + "(" + params(constructor) + ")", constructor, List.of(), leaks);
      }
    }
    for (Method method : methods(type)) {
      checkExecutable(
          name + "." + method.getName() + "(" + params(method) + ")",
          method,
          List.of(method.getGenericReturnType()),
          leaks);
    }
    for (Field field : fields(type)) {
      check(name + "." + field.getName(), List.of(field.getGenericType()), leaks);
    }
    return leaks.stream().distinct().toList();
  }

  private static void checkExecutable(
      String member, Executable executable, List<Type> returned, List<Leak> leaks) {
    List<Type> types = new ArrayList<>(returned);
    types.addAll(List.of(executable.getTypeParameters()));
    types.addAll(List.of(executable.getGenericParameterTypes()));
    types.addAll(List.of(executable.getGenericExceptionTypes()));
    check(member, types, leaks);
  }

  /**
   * Declared public and protected methods, plus public ones inherited from classes that are not
   * checked on their own (hidden or internal superclasses), without bridges.
   */
  private static Set<Method> methods(Class<?> type) {
    Set<Method> methods = new LinkedHashSet<>();
    Stream.concat(Arrays.stream(type.getMethods()), Arrays.stream(type.getDeclaredMethods()))
        .filter(m -> isVisible(m.getModifiers()) && !m.isBridge() && !m.isSynthetic())
        .filter(m -> m.getDeclaringClass() == type || !isChecked(m.getDeclaringClass()))
        .sorted((a, b) -> a.toGenericString().compareTo(b.toGenericString()))
        .forEach(methods::add);
    return methods;
  }

  private static Set<Field> fields(Class<?> type) {
    Set<Field> fields = new LinkedHashSet<>();
    Arrays.stream(type.getFields())
        .filter(f -> f.getDeclaringClass() == type || !isChecked(f.getDeclaringClass()))
        .forEach(fields::add);
    Arrays.stream(type.getDeclaredFields())
        .filter(f -> isVisible(f.getModifiers()) && !f.isSynthetic())
        .forEach(fields::add);
    return fields;
  }

  /**
   * Whether {@code type}'s own members are checked on their own (or are a library's): exposed and
   * not internal.
   */
  private static boolean isChecked(Class<?> type) {
    return isExposed(type) && !isInternal(type.getPackageName());
  }

  private static boolean isVisible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static String params(Executable executable) {
    return String.join(
        ", ", Arrays.stream(executable.getParameterTypes()).map(Class::getSimpleName).toList());
  }

  private static void check(String member, List<Type> types, List<Leak> leaks) {
    Set<Class<?>> named = new LinkedHashSet<>();
    Set<Type> seen = new HashSet<>();
    types.forEach(t -> collect(t, named, seen));
    named.stream()
        .filter(c -> c.getPackage() != null && isInternal(c.getPackageName()))
        .forEach(c -> leaks.add(new Leak(member, c.getName())));
  }

  /** Every class a type names: raw types, type arguments, bounds, array components, owners. */
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
      Arrays.stream(w.getUpperBounds()).forEach(t -> collect(t, named, seen));
      Arrays.stream(w.getLowerBounds()).forEach(t -> collect(t, named, seen));
    } else if (type instanceof TypeVariable<?> v) {
      Arrays.stream(v.getBounds()).forEach(t -> collect(t, named, seen));
    } else if (type instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), named, seen);
    }
  }
}
