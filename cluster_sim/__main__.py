from cluster_sim.cli import main

main()
