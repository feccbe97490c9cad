package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.resourcemanager.authorization.fluent.models.PermissionInner;
import java.util.List;
import org.junit.jupiter.api.Test;

class PermissionCheckTest {
    private static final String DELETE = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/delete";

    private static PermissionInner role(List<String> actions, List<String> notActions) {
        return new PermissionInner().withActions(actions).withNotActions(notActions);
    }

    @Test
    void wildcardsMatchAnyRunOfCharactersIgnoringCase() {
        assertThat(PermissionCheck.matches("*", DELETE)).isTrue();
        assertThat(PermissionCheck.matches("Microsoft.Compute/*", DELETE)).isTrue();
        assertThat(PermissionCheck.matches("microsoft.compute/virtualmachinescalesets/*/delete", DELETE)).isTrue();
        assertThat(PermissionCheck.matches("*/read", DELETE)).isFalse();
        assertThat(PermissionCheck.matches("Microsoft.Network/*", DELETE)).isFalse();
        assertThat(PermissionCheck.matches("Microsoft.Compute/virtualMachineScaleSets/virtualMachines/delete", DELETE)).isTrue();
    }

    @Test
    void notActionsOfTheSameRoleSubtractButAnotherRoleCanStillGrant() {
        PermissionInner contributorLike = role(List.of("*"), List.of("Microsoft.Compute/*/delete"));
        assertThat(new PermissionCheck(List.of(contributorLike)).allows(DELETE)).isFalse();
        assertThat(new PermissionCheck(List.of(contributorLike, role(List.of(DELETE), List.of()))).allows(DELETE)).isTrue();
        assertThat(new PermissionCheck(List.of(contributorLike)).missing(List.of("Microsoft.Compute/virtualMachineScaleSets/read", DELETE)))
                .containsExactly(DELETE);
    }

    @Test
    void noRolesGrantNothing() {
        assertThat(new PermissionCheck(List.of()).allows(DELETE)).isFalse();
        assertThat(new PermissionCheck(List.of(role(null, null))).allows(DELETE)).isFalse();
    }
}
