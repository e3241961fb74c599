package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code viasock doctor} in this checkout: what it finds, and its exit status when something blocks viasock
 * (the installed layout is DistributionIT's).
 */
class DoctorIT {
  @RegisterExtension final Viasock viasock = new Viasock();

  @Test
  void aHealthyMachineExitsZero() throws Exception {
    viasock.run("", "run", "cat").assertSucceeded(); // makes the state directory

    Viasock.Result doctor = viasock.run("", "doctor");

    assertThat(doctor.exitStatus()).as(doctor.out() + doctor.stderr()).isZero();
    assertThat(doctor.out())
        .containsPattern("^viasock .*, from /")
        .containsPattern("\nok +java " + Runtime.version().feature())
        .containsPattern("\nok +state directory " + viasock.stateDir() + ": private to you; its socket paths are \\d+ bytes")
        .containsPattern("\n(ok|WARN) +native client")
        .containsPattern("\n(ok|WARN) +pseudo-terminals")
        .containsPattern("\nviasock doctor: nothing blocks viasock( \\(\\d warnings?\\))?\n$");
  }

  @Test
  void aStateDirectoryNotThereYetIsFineAndLeftForTheFirstCall() {
    Viasock.Result doctor = viasock.run("", "doctor");

    assertThat(doctor.exitStatus()).as(doctor.out()).isZero();
    assertThat(doctor.out()).contains("state directory " + viasock.stateDir() + ": not there yet");
    assertThat(viasock.stateDir()).doesNotExist();
  }

  @Test
  void aStateDirectoryWritableByOthersBlocksViasock() throws Exception {
    Files.createDirectory(viasock.stateDir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
    Files.setPosixFilePermissions(viasock.stateDir(), PosixFilePermissions.fromString("rwxrwxrwx"));

    Viasock.Result doctor = viasock.run("", "doctor");

    assertThat(doctor.exitStatus()).as(doctor.out()).isEqualTo(1);
    assertThat(doctor.out()).containsPattern("FAIL +state directory " + viasock.stateDir() + ": .*writable by others");
  }

  @Test
  void aStateDirectoryTooLongForSocketPathsBlocksViasock() throws Exception {
    Path deep = Files.createDirectories(viasock.root().resolve("d".repeat(100)));
    viasock.env("VIASOCK_DIR", deep.resolve("state").toString());

    Viasock.Result doctor = viasock.run("", "doctor");

    assertThat(doctor.exitStatus()).as(doctor.out()).isEqualTo(1);
    assertThat(doctor.out())
        .containsPattern("FAIL +state directory .*: the state directory's path is too long for a socket")
        .contains("      fix: set VIASOCK_DIR to a short path")
        .contains("viasock doctor: 1 problem blocking viasock");
  }

  @Test
  void anOperandIsAUsageError() {
    Viasock.Result doctor = viasock.run("", "doctor", "now");

    assertThat(doctor.exitStatus()).isEqualTo(2);
    assertThat(doctor.stderr()).isEqualTo("viasock: unexpected argument 'now' (see 'viasock doctor --help')\n");
  }
}
