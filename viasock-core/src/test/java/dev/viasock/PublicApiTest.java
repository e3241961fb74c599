package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public API names only the JDK's types and viasock's own: no Guava (or other dependency) leaks out. */
class PublicApiTest {
  @Test
  void publicSignaturesUseNoTypeOfADependency() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : publicClasses()) {
      List<Executable> members = new ArrayList<>(List.of(type.getConstructors()));
      members.addAll(List.of(type.getMethods()));
      for (Executable member : members) {
        List<Type> types = new ArrayList<>(List.of(member.getGenericParameterTypes()));
        types.addAll(List.of(member.getGenericExceptionTypes()));
        if (member instanceof Method method) {
          types.add(method.getGenericReturnType());
        }
        types.stream()
            .map(Type::getTypeName)
            .filter(PublicApiTest::foreign)
            .forEach(name -> leaks.add(type.getSimpleName() + "." + member.getName() + ": " + name));
      }
    }

    assertThat(publicClasses()).extracting(Class::getSimpleName).contains("Serverizer", "Servers", "ServerStatus");
    assertThat(leaks).isEmpty();
  }

  private static boolean foreign(String typeName) {
    return Stream.of(typeName.split("[<>, \\[\\]?]+"))
        .filter(name -> !name.isEmpty() && name.contains("."))
        .anyMatch(name -> !name.startsWith("java.") && !name.startsWith("dev.viasock."));
  }

  private static List<Class<?>> publicClasses() throws Exception {
    Path classes = Path.of(Serverizer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes.resolve("dev/viasock"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
        if (Modifier.isPublic(type.getModifiers())
            && (type.getEnclosingClass() == null || Modifier.isPublic(type.getEnclosingClass().getModifiers()))) {
          found.add(type);
        }
      }
    }
    return found;
  }
}
